import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { ACTOR_RESOLVER, type ActorResolver, type TokenClaims } from './roles';

export const TOKEN_ISSUER = 'asset-registry';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: RuntimeConfig,
    @Inject(ACTOR_RESOLVER) private readonly resolver: ActorResolver,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not a string: given a string, jsonwebtoken first tries (and fails) to parse it
      // as a public key on every verification, which cost a fifth of the CPU under load.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(claims: TokenClaims) {
    // null -> passport answers "unauthorized": login gone, disabled, or token older than the last password change.
    return (await this.resolver.resolve(claims)) ?? false;
  }
}
