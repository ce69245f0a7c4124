import { Module } from '@nestjs/common';
import { ACTOR_RESOLVER } from '../../core/auth/roles';
import { JwtStrategy } from '../../core/auth/jwt.strategy';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';

@Module({
  controllers: [AuthController],
  providers: [AuthService, BootstrapService, JwtStrategy, { provide: ACTOR_RESOLVER, useExisting: AuthService }],
  exports: [AuthService],
})
export class IdentityModule {}
