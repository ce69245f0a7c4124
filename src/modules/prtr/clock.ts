import { Injectable } from '@nestjs/common';

/** The PRTR module's notion of "now" (filing window, cut-offs). Tests move it; nothing else does. */
@Injectable()
export class PrtrClock {
  now(): Date {
    return new Date();
  }
}
