import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor, ActorResolver, TokenClaims } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { Batcher } from '../../core/database/batcher';
import { DomainError } from '../../core/errors/domain-error';
import type { LoginResponse } from './dto/login.dto';
import { Login } from './entities/login.entity';
import { LoginAttempt } from './entities/login-attempt.entity';
import { checkPasswordUnderLockout, lockoutPolicy } from './login-lockout';
import { verifyAgainstDummy } from './passwords';

const LOGIN_ROW_COLUMNS = `id, login_id, role, status, token_version, must_change_password, is_bootstrap,
  target_holder_id, verifier_id, trading_participant_id, prtr_business_id, prtr_prefecture_code, prtr_minister_code`;
interface LoginRow {
  id: string;
  login_id: string;
  role: Actor['role'];
  status: string;
  token_version: number;
  must_change_password: boolean;
  is_bootstrap: boolean;
  target_holder_id: string | null;
  verifier_id: string | null;
  trading_participant_id: string | null;
  prtr_business_id: string | null;
  prtr_prefecture_code: string | null;
  prtr_minister_code: string | null;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

@Injectable()
export class AuthService implements ActorResolver {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async login(loginId: string, password: string, client: ClientInfo): Promise<LoginResponse> {
    const logins = this.db.getRepository(Login);
    const login = await logins.findOne({ where: { loginId } });
    if (!login) {
      await verifyAgainstDummy(password);
      await this.record(loginId, null, 'invalid_credentials', client);
      throw new DomainError('INVALID_CREDENTIALS');
    }
    // A slot is claimed atomically before the (slow) password check, so requests arriving together
    // cannot all pass the lock check: see login-lockout.ts for the rules.
    const check = await checkPasswordUnderLockout(this.db, login, password, lockoutPolicy(this.config.env));
    if (check.outcome === 'disabled') await verifyAgainstDummy(password); // same time as a real check
    await this.record(loginId, login.id, check.outcome, client);
    switch (check.outcome) {
      case 'success':
        return this.issueToken(login);
      case 'in_progress':
        throw new DomainError('LOGIN_ATTEMPTS_IN_PROGRESS');
      case 'locked':
        throw new DomainError('LOGIN_LOCKED', check.lockedUntil ? { unlocksAt: check.lockedUntil.toISOString() } : {});
      case 'invalid_credentials':
        if (check.lockedUntil) throw new DomainError('LOGIN_LOCKED', { unlocksAt: check.lockedUntil.toISOString() });
        throw new DomainError('INVALID_CREDENTIALS');
      case 'disabled':
        throw new DomainError('INVALID_CREDENTIALS');
    }
  }

  async issueToken(login: Login): Promise<LoginResponse> {
    const claims: TokenClaims = { sub: login.id, lid: login.loginId, role: login.role, tv: login.tokenVersion };
    return {
      accessToken: await this.jwt.signAsync(claims),
      tokenType: 'Bearer',
      expiresIn: this.config.env.JWT_EXPIRES_IN_SECONDS,
      role: login.role,
      mustChangePassword: this.mustChange(login),
    };
  }

  async resolve(claims: TokenClaims): Promise<Actor | null> {
    if (typeof claims?.sub !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.sub)) return null;
    const row = await this.loginRows.submit(claims.sub);
    if (!row || row.status !== 'active' || row.token_version !== claims.tv || row.role !== claims.role) return null;
    return {
      id: claims.sub,
      loginId: row.login_id,
      role: row.role,
      mustChangePassword: row.must_change_password && !row.is_bootstrap,
      targetHolderId: row.target_holder_id,
      verifierId: row.verifier_id,
      tradingParticipantId: row.trading_participant_id,
      prtrBusinessId: row.prtr_business_id,
      prtrPrefectureCode: row.prtr_prefecture_code,
      prtrMinisterCode: row.prtr_minister_code,
    };
  }

  /**
   * The login row behind every authenticated request: one plain indexed query, no ORM hydration,
   * and concurrent requests' lookups share a round trip (core/database/batcher.ts). Each request's
   * row is still read after the request arrived, so a password change or a disabled login takes
   * effect for the very next request.
   */
  private readonly loginRows = new Batcher<string, LoginRow | null>({
    maxInFlight: 2,
    maxBatch: 128,
    runBatch: async (ids) => {
      const rows: LoginRow[] = await this.db.query(`SELECT ${LOGIN_ROW_COLUMNS} FROM logins WHERE id = ANY($1::uuid[])`, [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    runOne: async (id) => {
      const rows: LoginRow[] = await this.db.query(`SELECT ${LOGIN_ROW_COLUMNS} FROM logins WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },
  });

  private mustChange(login: Login): boolean {
    return login.mustChangePassword && !login.isBootstrap;
  }

  private async record(
    attemptedLoginId: string,
    loginUuid: string | null,
    outcome: LoginAttempt['outcome'],
    client: ClientInfo,
  ): Promise<void> {
    await this.db.getRepository(LoginAttempt).insert({
      attemptedLoginId: attemptedLoginId.slice(0, 128),
      loginUuid,
      outcome,
      clientIp: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      requestId: client.requestId,
    });
  }
}
