import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { ACCESS_KEY, type AccessRule } from './permissions';
import { ACTOR_RESOLVER, type Actor, type ActorResolver, type TokenClaims } from './roles';

export const TOKEN_ISSUER = 'asset-registry';
const BEARER = /^Bearer +([A-Za-z0-9_.-]+) *$/i;
/** Tokens whose signature was checked, kept so that a client's next requests skip the HMAC and parsing. */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * The one authorization gate, global: a route without an access rule is refused to everybody,
 * so a forgotten decorator fails closed (and the access-matrix test names it). It checks the
 * bearer token itself (HS256, issuer, expiry; see AuthModule) and then asks the identity module
 * for the login behind it, which must still be active and at the token's version.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private resolver?: ActorResolver;
  /**
   * Signature-checked tokens and their claims. A token is immutable and signed by us, so its
   * signature stays valid; its expiry is still checked on every request, and the login behind it
   * is still read on every request (a disabled login or an older token version is refused at once).
   * Only tokens that passed verification enter; the map is emptied when full.
   */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new DomainError('FORBIDDEN', { reason: 'route has no access rule' });
    if (rule.kind === 'public') return true;

    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: Actor }>();
    const actor = await this.authenticate(req.headers.authorization);
    req.user = actor;
    const ctx = requestContext.get();
    if (ctx) ctx.loginId = actor.loginId;
    if (actor.mustChangePassword && !rule.duringPasswordChange) {
      // Login B cannot change its own password: its login A sets it (docs/domain.md §2).
      throw new DomainError('PASSWORD_CHANGE_REQUIRED', actor.role === 'holder_b' ? { changedBy: 'holder_a' } : {});
    }
    if (!rule.roles.includes(actor.role)) throw new DomainError('FORBIDDEN');
    return true;
  }

  /** The actor behind an Authorization header, or 401 (TOKEN_EXPIRED / UNAUTHENTICATED). */
  private async authenticate(header: string | undefined): Promise<Actor> {
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new DomainError('UNAUTHENTICATED');
    let claims = this.verified.get(token);
    if (claims && !(typeof claims.exp === 'number' && Math.floor(Date.now() / 1000) < claims.exp)) {
      this.verified.delete(token);
      throw new DomainError('TOKEN_EXPIRED'); // as jsonwebtoken decides: expired once now ≥ exp
    }
    if (!claims) {
      try {
        claims = this.jwt.verify<TokenClaims>(token);
      } catch (error) {
        throw new DomainError((error as { name?: string }).name === 'TokenExpiredError' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      }
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.clear();
      this.verified.set(token, claims);
    }
    // null: login gone, disabled, or the token is older than the last password change
    this.resolver ??= this.moduleRef.get<ActorResolver>(ACTOR_RESOLVER, { strict: false });
    const actor = await this.resolver.resolve(claims);
    if (!actor) throw new DomainError('UNAUTHENTICATED');
    return actor;
  }
}
