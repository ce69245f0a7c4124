import { Param, ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

/** A uuid path parameter; anything else is simply "not found" (404), like an id that does not exist. */
export const UuidParam = (name: string, notFoundCode = 'NOT_FOUND') =>
  Param(name, new ParseUUIDPipe({ version: undefined, exceptionFactory: () => new DomainError(notFoundCode) }));
