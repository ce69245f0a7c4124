import type { DataSource, EntityManager } from 'typeorm';
import type { Env } from '../../core/config/env';
import { verifyPassword } from './passwords';

/**
 * The login lockout: at most `maxFailures` password checks in a row may fail before the login is
 * locked for `lockMinutes`. Shared by POST /auth/login and the current-password check of
 * PUT /logins/{id}/password, which count toward the same lock.
 *
 * Rules (logins.failed_attempts is the counter, logins.locked_until the lock; the database's clock
 * decides every time comparison):
 *
 * 1. CLAIM before verifying. A password is checked only after one atomic UPDATE has taken a slot:
 *    the counter counts failures AND checks still in flight. The UPDATE refuses when the login is
 *    locked or the counter has reached the limit, so no more than `maxFailures` checks can be in
 *    flight or failed at once, however many requests arrive together. An expired lock restarts
 *    the count at this claim. A request that finds the counter full while checks are in flight is
 *    refused with LOGIN_ATTEMPTS_IN_PROGRESS (429) and locks nothing: checks in flight may hold the
 *    right password (a double-click after four typos, tabs signing in together) and must not lock
 *    the user out. A counter found full with no activity for STALE_SLOT_SECONDS holds slots whose
 *    checks never settled (a crash between claim and settle): they count as failures and lock.
 * 2. FAILURE keeps its slot (the counter already holds it) and locks the login when the counter
 *    has reached the limit. The counter may include checks still in flight that will succeed, so
 *    a burst can lock slightly early; it never locks late.
 * 3. SUCCESS resets the counter only while the login is not locked, in one conditional UPDATE.
 *    No slot can be claimed during a lock, so a success that finds the login locked started
 *    before the lock was taken: it must not clear the lock and it is refused like any attempt
 *    during the lock (LOGIN_LOCKED, no token). Only the lock's running out, or a password reset /
 *    change by someone else entitled to do it, ends a lock. A success resets the count of
 *    failures it saw; checks still in flight at that moment keep no slot (a success by the
 *    holder of the right password breaks the "row" of failures).
 */
export interface LockoutPolicy {
  maxFailures: number;
  lockMinutes: number;
}

type Runner = Pick<DataSource | EntityManager, 'query'>;

export const lockoutPolicy = (env: Pick<Env, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCK_MINUTES'>): LockoutPolicy => ({
  maxFailures: env.LOGIN_MAX_FAILURES,
  lockMinutes: env.LOGIN_LOCK_MINUTES,
});

/** What one password check under the lockout came to; `lockedUntil` when the login is (now) locked. */
export type PasswordCheck =
  | { outcome: 'success' }
  | { outcome: 'invalid_credentials'; lockedUntil: Date | null }
  | { outcome: 'locked'; lockedUntil: Date | null }
  | { outcome: 'in_progress' }
  | { outcome: 'disabled' };

/** Rules 1–3 around one password check (POST /auth/login, and the current password at a change). */
export async function checkPasswordUnderLockout(
  db: Runner,
  login: { id: string; status: string; passwordHash: string },
  password: string,
  policy: LockoutPolicy,
): Promise<PasswordCheck> {
  const claim = login.status === 'active' ? await claimAttempt(db, login.id, policy) : null;
  if (!claim?.claimed) {
    const lockedUntil = claim ? claim.lockedUntil : await activeLock(db, login.id);
    if (lockedUntil) return { outcome: 'locked', lockedUntil };
    if (claim?.inProgress) return { outcome: 'in_progress' };
    return { outcome: 'disabled' }; // not active (or disabled since it was read)
  }
  if (!(await verifyPassword(login.passwordHash, password))) {
    return { outcome: 'invalid_credentials', lockedUntil: await settleFailure(db, login.id, policy) };
  }
  // the right password, but failures racing with it locked the login meanwhile: refused (rule 3)
  if (!(await settleSuccess(db, login.id))) return { outcome: 'locked', lockedUntil: await activeLock(db, login.id) };
  return { outcome: 'success' };
}

export type ClaimResult = { claimed: true } | { claimed: false; lockedUntil: Date | null; inProgress: boolean };

/** A check settles within seconds (argon2 takes ~0.1 s); slots older than this never will. */
const STALE_SLOT_SECONDS = 60;

/** Rule 1. Not claimed: `lockedUntil` when locked, `inProgress` when the slots are taken by checks in flight, else not active. */
export async function claimAttempt(db: Runner, loginUuid: string, policy: LockoutPolicy): Promise<ClaimResult> {
  const [rows]: [{ locked_until: Date | null }[], number] = await db.query(
    `UPDATE logins
        SET failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1           -- an expired lock: count restarts
                                   WHEN failed_attempts < $2 THEN failed_attempts + 1
                                   ELSE failed_attempts END,
            locked_until = CASE WHEN locked_until IS NULL AND failed_attempts >= $2   -- full and stale: lock
                                THEN now() + make_interval(mins => $3) END,
            updated_at = now()
      WHERE id = $1 AND status = 'active' AND (locked_until IS NULL OR locked_until <= now())
        AND (locked_until IS NOT NULL OR failed_attempts < $2 OR updated_at < now() - make_interval(secs => $4))
      RETURNING locked_until`,
    [loginUuid, policy.maxFailures, policy.lockMinutes, STALE_SLOT_SECONDS],
  );
  const row = rows[0];
  if (row) return row.locked_until ? { claimed: false, lockedUntil: row.locked_until, inProgress: false } : { claimed: true };
  const [state]: { active: boolean; locked_until: Date | null }[] = await db.query(
    `SELECT status = 'active' AS active, CASE WHEN locked_until > now() THEN locked_until END AS locked_until FROM logins WHERE id = $1`,
    [loginUuid],
  );
  if (state?.locked_until) return { claimed: false, lockedUntil: state.locked_until, inProgress: false };
  return { claimed: false, lockedUntil: null, inProgress: !!state?.active };
}

/** Rule 2: returns the lock's end when the login is locked after this failure. */
export async function settleFailure(db: Runner, loginUuid: string, policy: LockoutPolicy): Promise<Date | null> {
  const [rows]: [{ locked_until: Date | null }[], number] = await db.query(
    `UPDATE logins
        SET locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until > now() THEN locked_until
                                WHEN failed_attempts >= $2 THEN now() + make_interval(mins => $3)
                                ELSE locked_until END,
            updated_at = now()
      WHERE id = $1
      RETURNING CASE WHEN locked_until > now() THEN locked_until END AS locked_until`,
    [loginUuid, policy.maxFailures, policy.lockMinutes],
  );
  return rows[0]?.locked_until ?? null;
}

/** Rule 3: true when the counter was reset; false when the login is locked (refuse the attempt). */
export async function settleSuccess(db: Runner, loginUuid: string): Promise<boolean> {
  const [, count]: [unknown, number] = await db.query(
    `UPDATE logins SET failed_attempts = 0, locked_until = NULL, updated_at = now()
      WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())`,
    [loginUuid],
  );
  return count === 1;
}

/** The lock's end if the login is locked now. */
export async function activeLock(db: Runner, loginUuid: string): Promise<Date | null> {
  const rows: { locked_until: Date }[] = await db.query(
    `SELECT locked_until FROM logins WHERE id = $1 AND locked_until > now()`,
    [loginUuid],
  );
  return rows[0]?.locked_until ?? null;
}
