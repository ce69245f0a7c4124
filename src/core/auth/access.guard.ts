import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { ACCESS_KEY, type AccessRule } from './permissions';
import type { Actor } from './roles';

/**
 * The one authorization gate, global: a route without an access rule is refused to everybody,
 * so a forgotten decorator fails closed (and the access-matrix test names it).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new DomainError('FORBIDDEN', { reason: 'route has no access rule' });
    if (rule.kind === 'public') return true;

    await super.canActivate(context); // authenticates or throws via handleRequest
    const actor = context.switchToHttp().getRequest<{ user: Actor }>().user;
    const ctx = requestContext.get();
    if (ctx) ctx.loginId = actor.loginId;
    if (actor.mustChangePassword && !rule.duringPasswordChange) {
      // Login B cannot change its own password: its login A sets it (DOMAIN.md §6).
      throw new DomainError('PASSWORD_CHANGE_REQUIRED', actor.role === 'holder_b' ? { changedBy: 'holder_a' } : {});
    }
    if (!rule.roles.includes(actor.role)) throw new DomainError('FORBIDDEN');
    return true;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err) throw err;
    if (!user) {
      const name = (info as { name?: string } | undefined)?.name;
      throw new DomainError(name === 'TokenExpiredError' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
    }
    return user;
  }
}
