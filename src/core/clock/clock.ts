import { Injectable } from '@nestjs/common';

/**
 * The time business rules are decided at (deadlines, banking windows, phase close). One provider
 * for the whole app so that tests can move it (jest.spyOn(clock, 'now')); postings keep the
 * database's own time (their created_at is what deadlines are judged by).
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
