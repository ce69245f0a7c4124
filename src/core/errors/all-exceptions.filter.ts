import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database-errors';
import { DomainError, errorSpec } from './domain-error';
import { sendError } from './error-response';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'DATABASE_UNAVAILABLE',
};

/** The one place where errors become HTTP responses. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();

    if (exception instanceof DomainError) {
      if (!errorSpec(exception.code)) {
        this.logger.error({ msg: 'unregistered error code', code: exception.code, stack: exception.stack });
        return sendError(req, res, 'INTERNAL_ERROR');
      }
      return sendError(req, res, exception.code, exception.details, exception.texts);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404 && /^Cannot [A-Z]+ /.test(exception.message)) {
        return sendError(req, res, 'ROUTE_NOT_FOUND', { method: req.method, path: req.originalUrl.split('?')[0] });
      }
      const code = STATUS_CODES[status];
      if (code) return sendError(req, res, code, {});
      if (status < 500) return sendError(req, res, 'BAD_REQUEST', {}, undefined, status);
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ msg: 'database unavailable', error: (exception as Error)?.message });
      return sendError(req, res, 'DATABASE_UNAVAILABLE');
    }
    this.logger.error({
      msg: 'unhandled error',
      error: (exception as Error)?.message ?? String(exception),
      stack: (exception as Error)?.stack,
      method: req.method,
      path: req.originalUrl,
    });
    return sendError(req, res, 'INTERNAL_ERROR');
  }
}
