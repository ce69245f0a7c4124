import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { AccessGuard, TOKEN_ISSUER } from './access.guard';
import './auth-errors';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        // A KeyObject, not a string: given a string, jsonwebtoken first tries (and fails) to parse it
        // as a public key on every verification, which cost a fifth of the CPU under load.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
        signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER, expiresIn: config.env.JWT_EXPIRES_IN_SECONDS },
        verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER },
      }),
    }),
  ],
  // The guard resolves logins through ACTOR_RESOLVER, provided by the identity module (which owns them).
  providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
  exports: [JwtModule],
})
export class AuthModule {}
