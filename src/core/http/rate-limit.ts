import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { DomainError } from '../errors/domain-error';

const RATE_LIMIT_KEY = 'registry:rate-limit';

/** Limits anonymous submissions per client address (APPLICATION_RATE_LIMIT per window). */

/**
 * Fixed-window counter per (bucket, client IP), kept in this process's memory: enough against a
 * script hammering the public forms of one instance; several instances would each count alone.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const bucket = this.reflector.get<string | undefined>(RATE_LIMIT_KEY, context.getHandler());
    if (!bucket) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const limit = this.config.env.APPLICATION_RATE_LIMIT;
    const windowMs = this.config.env.APPLICATION_RATE_WINDOW_SECONDS * 1000;
    const now = Date.now();
    const key = `${bucket}|${req.ip ?? 'unknown'}`;
    let entry = this.windows.get(key);
    if (!entry || now - entry.start >= windowMs) {
      entry = { start: now, count: 0 };
      this.windows.set(key, entry);
      if (this.windows.size > 10_000) this.evict(now, windowMs);
    }
    entry.count++;
    if (entry.count > limit) {
      const retryAfter = Math.ceil((entry.start + windowMs - now) / 1000);
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new DomainError('TOO_MANY_REQUESTS', { retryAfterSeconds: retryAfter });
    }
    return true;
  }

  private evict(now: number, windowMs: number) {
    for (const [key, entry] of this.windows) if (now - entry.start >= windowMs) this.windows.delete(key);
  }
}

/** Limits anonymous submissions per client address (APPLICATION_RATE_LIMIT per window); 429 beyond. */
export const RateLimited = (bucket: string) => applyDecorators(SetMetadata(RATE_LIMIT_KEY, bucket), UseGuards(RateLimitGuard));
