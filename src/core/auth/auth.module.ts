import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { AccessGuard } from './access.guard';
import { TOKEN_ISSUER } from './jwt.strategy';
import './auth-errors';

@Global()
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        // a KeyObject (see jwt.strategy.ts)
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
        signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER, expiresIn: config.env.JWT_EXPIRES_IN_SECONDS },
        verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER },
      }),
    }),
  ],
  // The JWT strategy is provided by the identity module, which owns the logins it resolves.
  providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
  exports: [JwtModule],
})
export class AuthModule {}
