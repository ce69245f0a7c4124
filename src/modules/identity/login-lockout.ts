import type { DataSource, EntityManager } from 'typeorm';

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
 *    the count at this claim. A request refused because the counter is full (the limit is
 *    reached by failures and checks in flight) takes the lock itself: more attempts than allowed
 *    without a success in between lock the login.
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

export type ClaimResult = { claimed: true } | { claimed: false; lockedUntil: Date | null };

/** Rule 1. `lockedUntil` null when the login is not active (disabled or gone) and not locked. */
export async function claimAttempt(db: Runner, loginUuid: string, policy: LockoutPolicy): Promise<ClaimResult> {
  const [rows]: [{ failed_attempts: number; locked_until: Date | null }[], number] = await db.query(
    `UPDATE logins
        SET failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1           -- an expired lock: count restarts
                                   WHEN failed_attempts < $2 THEN failed_attempts + 1
                                   ELSE failed_attempts END,
            locked_until = CASE WHEN locked_until IS NOT NULL OR failed_attempts < $2 THEN NULL
                                ELSE now() + make_interval(mins => $3) END,
            updated_at = now()
      WHERE id = $1 AND status = 'active' AND (locked_until IS NULL OR locked_until <= now())
      RETURNING failed_attempts, locked_until`,
    [loginUuid, policy.maxFailures, policy.lockMinutes],
  );
  const row = rows[0];
  if (row) return row.locked_until ? { claimed: false, lockedUntil: row.locked_until } : { claimed: true };
  return { claimed: false, lockedUntil: await activeLock(db, loginUuid) };
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
