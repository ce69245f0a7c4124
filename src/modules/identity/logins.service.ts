import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, Role } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { DomainError } from '../../core/errors/domain-error';
import { NotificationsService } from '../notifications/notifications.service';
import type { IssuedLogin } from './dto/decisions.dto';
import { Login } from './entities/login.entity';
import { activeLock, checkPasswordUnderLockout, lockoutPolicy } from './login-lockout';
import { TargetHolder } from './entities/target-holder.entity';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords';

export interface PreparedLogin {
  password: string;
  hash: string;
}

export interface NewLogin {
  loginId: string;
  role: Role;
  displayName: string;
  targetHolderId?: string;
  verifierId?: string;
  tradingParticipantId?: string;
  prtrBusinessId?: string;
  contactEmail?: string;
  prtrPrefectureCode?: string;
  prtrMinisterCode?: string;
}

@Injectable()
export class LoginsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** Hashing is slow on purpose: done before a transaction opens, not inside it. */
  async prepare(count: number): Promise<PreparedLogin[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const password = generatePassword();
        return { password, hash: await hashPassword(password) };
      }),
    );
  }

  /** Inserts a login with an initial password that must be changed at first login. */
  async insert(m: EntityManager, login: NewLogin, prepared: PreparedLogin): Promise<IssuedLogin> {
    await m.insert(Login, {
      loginId: login.loginId,
      role: login.role,
      displayName: login.displayName,
      passwordHash: prepared.hash,
      mustChangePassword: true,
      targetHolderId: login.targetHolderId ?? null,
      verifierId: login.verifierId ?? null,
      tradingParticipantId: login.tradingParticipantId ?? null,
      prtrBusinessId: login.prtrBusinessId ?? null,
      contactEmail: login.contactEmail ?? null,
      prtrPrefectureCode: login.prtrPrefectureCode ?? null,
      prtrMinisterCode: login.prtrMinisterCode ?? null,
    });
    return { loginId: login.loginId, role: login.role, initialPassword: prepared.password };
  }

  /**
   * PUT /logins/{loginId}/password. A login changes its own password with the current one; login A
   * also sets its login B's (no current password needed); login B changes nothing.
   */
  async changePassword(actor: Actor, loginId: string, currentPassword: string | undefined, newPassword: string) {
    const target = await this.db.getRepository(Login).findOne({ where: { loginId } });
    const isSelf = target?.id === actor.id;
    const isOwnB =
      !!target && actor.role === 'holder_a' && target.role === 'holder_b' && target.targetHolderId === actor.targetHolderId;
    if (!target || (!isSelf && !isOwnB && actor.role !== 'secretariat')) throw new DomainError('LOGIN_NOT_FOUND');
    if (actor.role === 'holder_b' || (!isSelf && !isOwnB)) {
      // B changes nothing (its login A does); the secretariat resets rather than chooses others' passwords.
      throw new DomainError('FORBIDDEN', { hint: actor.role === 'holder_b' ? 'login A changes the password of login B' : 'use password-reset' });
    }
    if (!isSelf && actor.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    if (isSelf) await this.checkCurrentPassword(target, currentPassword);
    const problems = passwordProblems(newPassword, target.loginId);
    if (await verifyPassword(target.passwordHash, newPassword)) {
      problems.push('現在のパスワードと異なるものにしてください (must differ from the current password)');
    }
    if (problems.length) throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'newPassword', problems }] });
    const hash = await hashPassword(newPassword);
    await this.db.transaction(async (m) => {
      // A login changing its own password must not clear a lock that racing failures took after its
      // current password was checked; login A setting B's password ends B's lock like a reset does.
      const [, changed]: [unknown, number] = await m.query(
        `UPDATE logins SET password_hash = $2, must_change_password = false, token_version = token_version + 1,
                failed_attempts = 0, locked_until = NULL, password_changed_at = now(), updated_at = now()
          WHERE id = $1 AND ($3::boolean OR locked_until IS NULL OR locked_until <= now())`,
        [target.id, hash, !isSelf],
      );
      if (changed !== 1) await this.throwLocked(target.id);
      await this.notifyPasswordChange(m, target);
    });
  }

  /**
   * The current password at a self-service change counts toward the same lockout as logins
   * (login-lockout.ts): each check claims a slot first, a wrong one keeps it, and once the login is
   * locked further checks are refused with LOGIN_LOCKED until the lock runs out (or the secretariat
   * resets the password). A missing current password is not a guess and is not counted.
   *
   * The token that made the request keeps working during the lock: the lock guards password
   * checks (login and this one), it does not end sessions. Whoever holds the token can already act
   * as the login until the token expires; what the lock denies them is turning a stolen session
   * into knowledge of the password or a permanent takeover by guessing it. Revoking the token too
   * would let anyone who can send five wrong guesses sign the owner out as well.
   */
  private async checkCurrentPassword(target: Login, currentPassword: string | undefined): Promise<void> {
    if (!currentPassword) throw new DomainError('CURRENT_PASSWORD_INCORRECT');
    const check = await checkPasswordUnderLockout(this.db, target, currentPassword, lockoutPolicy(this.config.env));
    switch (check.outcome) {
      case 'success':
        return;
      case 'locked':
      case 'invalid_credentials':
        if (check.lockedUntil) throw new DomainError('LOGIN_LOCKED', { unlocksAt: check.lockedUntil.toISOString() });
        if (check.outcome === 'locked') throw new DomainError('LOGIN_LOCKED');
        throw new DomainError('CURRENT_PASSWORD_INCORRECT');
      case 'in_progress':
        throw new DomainError('LOGIN_ATTEMPTS_IN_PROGRESS');
      case 'disabled':
        throw new DomainError('CURRENT_PASSWORD_INCORRECT'); // disabled meanwhile
    }
  }

  private async throwLocked(id: string): Promise<never> {
    const lockedUntil = await activeLock(this.db, id);
    throw new DomainError('LOGIN_LOCKED', lockedUntil ? { unlocksAt: lockedUntil.toISOString() } : {});
  }

  /** POST /logins/{loginId}/password-reset (secretariat): a new initial password, shown once. */
  async resetPassword(actor: Actor, loginId: string): Promise<{ loginId: string; initialPassword: string }> {
    const target = await this.db.getRepository(Login).findOne({ where: { loginId } });
    if (!target) throw new DomainError('LOGIN_NOT_FOUND');
    const [prepared] = await this.prepare(1);
    await this.db.transaction(async (m) => {
      await m.query(
        `UPDATE logins SET password_hash = $2, must_change_password = true, is_bootstrap = false,
                token_version = token_version + 1, failed_attempts = 0, locked_until = NULL,
                password_changed_at = now(), updated_at = now()
          WHERE id = $1`,
        [target.id, prepared.hash],
      );
      await this.notifyPasswordChange(m, target, actor.loginId);
    });
    return { loginId: target.loginId, initialPassword: prepared.password };
  }

  private async notifyPasswordChange(m: EntityManager, login: Login, resetBy?: string) {
    if (!login.targetHolderId) return;
    const holder = await m.findOneByOrFail(TargetHolder, { id: login.targetHolderId });
    const [{ tv }] = await m.query(`SELECT token_version AS tv FROM logins WHERE id = $1`, [login.id]);
    const event = resetBy ? 'login.password_reset' : 'login.password_changed';
    await this.notifications.enqueue(m, {
      event,
      key: `${event}:${login.id}:${tv}`,
      recipients: [holder.contactEmailA], // password notices go to A only
      payload: { loginId: login.loginId, holderNumber: holder.holderNumber, holderName: holder.representativeName },
      subjectType: 'login',
      subjectId: login.id,
    });
  }
}
