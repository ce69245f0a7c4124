import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentActor, PermitDuringPasswordChange, Public } from '../../core/auth/permissions';
import { ROLES, type Actor } from '../../core/auth/roles';
import { LoginRequest, LoginResponse, MeResponse } from './dto/login.dto';
import { AuthService } from './auth.service';
import { Login } from './entities/login.entity';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'ログイン (log in): returns a bearer token' })
  @ApiOkResponse({ type: LoginResponse })
  login(@Body() body: LoginRequest, @Req() req: Request): Promise<LoginResponse> {
    return this.auth.login(body.loginId, body.password, {
      ip: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
      requestId: (req as Request & { id?: string }).id ?? null,
    });
  }

  @Get('me')
  @PermitDuringPasswordChange(...ROLES)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current login' })
  @ApiOkResponse({ type: MeResponse })
  async me(@CurrentActor() actor: Actor): Promise<MeResponse> {
    const login = await this.db.getRepository(Login).findOneByOrFail({ id: actor.id });
    return {
      loginId: actor.loginId,
      role: actor.role,
      displayName: login.displayName,
      mustChangePassword: actor.mustChangePassword,
      targetHolderId: actor.targetHolderId,
    };
  }
}
