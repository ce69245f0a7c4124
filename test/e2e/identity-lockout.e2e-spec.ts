import { createTestApp, loginAs, type TestApp } from '../support/app';
import { claimAttempt, settleFailure, settleSuccess } from '../../src/modules/identity/login-lockout';
import { hashPassword } from '../../src/modules/identity/passwords';

/** The lockout under concurrency, and the current password at a password change counting toward it. */
describe('login lockout (over HTTP)', () => {
  let t: TestApp;
  const MAX = 5;
  const PASSWORD = 'Lockout-Passw0rd-1';
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: String(MAX), LOGIN_LOCK_MINUTES: '15' });
  });
  afterAll(async () => {
    await t?.close();
  });

  let seq = 0;
  const freshLogin = async (): Promise<string> => {
    const loginId = `lock-${++seq}-${Date.now()}`;
    await t.db.dataSource.query(
      `INSERT INTO logins (login_id, role, display_name, password_hash, must_change_password) VALUES ($1, 'secretariat', '事務局', $2, false)`,
      [loginId, await hashPassword(PASSWORD)],
    );
    return loginId;
  };
  const outcomes = async (loginId: string): Promise<Record<string, number>> => {
    const rows: { outcome: string; n: number }[] = await t.db.dataSource.query(
      `SELECT outcome, count(*)::int AS n FROM login_attempts WHERE attempted_login_id = $1 GROUP BY outcome`,
      [loginId],
    );
    return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  };
  const lockRow = async (loginId: string) =>
    (
      await t.db.dataSource.query(
        `SELECT id, failed_attempts, locked_until, locked_until > now() AS locked FROM logins WHERE login_id = $1`,
        [loginId],
      )
    )[0] as { id: string; failed_attempts: number; locked_until: Date | null; locked: boolean | null };
  const login = (loginId: string, password: string) => t.http().post('/api/v1/auth/login').send({ loginId, password });

  it('checks at most the allowed number of wrong passwords when they arrive together with the right one', async () => {
    const loginId = await freshLogin();
    const burst = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => login(loginId, `wrong-password-${i}`)),
      login(loginId, PASSWORD),
    ]);
    const wrong = burst.slice(0, 20);
    const right = burst[20];
    const REFUSALS = [[401, 'INVALID_CREDENTIALS'], [423, 'LOGIN_LOCKED'], [429, 'LOGIN_ATTEMPTS_IN_PROGRESS']];
    for (const res of wrong) expect(REFUSALS).toContainEqual([res.status, res.body.code]);
    const seen = await outcomes(loginId);
    // every request is recorded; only the claimed ones had their password checked
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(21);
    expect(seen.invalid_credentials ?? 0).toBeLessThanOrEqual(MAX);
    expect(seen.invalid_credentials ?? 0).toBeGreaterThanOrEqual(MAX - 1);
    // the login ends locked, and the right password in the burst issued no token that cleared it
    const row = await lockRow(loginId);
    expect(row.locked).toBe(true);
    // (refused as locked when its check ran and the failures locked meanwhile, or as in progress when the slots were taken)
    expect(REFUSALS.slice(1)).toContainEqual([right.status, right.body.code]);
    expect(seen.success).toBeUndefined();

    // the right password during the lock is refused with the lock code, without a password check
    const during = await login(loginId, PASSWORD);
    expect(during.status).toBe(423);
    expect(during.body.code).toBe('LOGIN_LOCKED');
    expect(new Date(during.body.details.unlocksAt).getTime()).toBe(new Date(row.locked_until!).getTime());
    expect((await outcomes(loginId)).invalid_credentials ?? 0).toBe(seen.invalid_credentials ?? 0);

    // once the lock runs out the right password works and resets the counter
    await t.db.dataSource.query(`UPDATE logins SET locked_until = now() - interval '1 second' WHERE login_id = $1`, [loginId]);
    await loginAs(t, loginId, PASSWORD);
    expect(await lockRow(loginId)).toMatchObject({ failed_attempts: 0, locked_until: null });
  });

  it('a burst of wrong passwords alone checks at most the limit and locks', async () => {
    const loginId = await freshLogin();
    await Promise.all(Array.from({ length: 30 }, (_, i) => login(loginId, `wrong-password-${i}`)));
    const seen = await outcomes(loginId);
    expect(seen.invalid_credentials).toBe(MAX);
    expect((seen.locked ?? 0) + (seen.in_progress ?? 0)).toBe(30 - MAX);
    expect((await lockRow(loginId)).locked).toBe(true);
  });

  it('a success whose check started before failures locked the login does not clear the lock', async () => {
    const loginId = await freshLogin();
    const { id } = await lockRow(loginId);
    const policy = { maxFailures: MAX, lockMinutes: 15 };
    const db = t.db.dataSource;
    // the right password claims its slot first ...
    expect(await claimAttempt(db, id, policy)).toEqual({ claimed: true });
    // ... failures claim the rest and lock the login while its check is still running
    for (let i = 1; i < MAX; i++) expect(await claimAttempt(db, id, policy)).toEqual({ claimed: true });
    // a further claim finds every slot taken by checks in flight: refused, nothing locked by it
    expect(await claimAttempt(db, id, policy)).toEqual({ claimed: false, lockedUntil: null, inProgress: true });
    expect((await lockRow(loginId)).locked_until).toBeNull();
    for (let i = 1; i < MAX; i++) expect(await settleFailure(db, id, policy)).toEqual(expect.any(Date));
    // the success then settles: refused, and the lock and the count stay
    expect(await settleSuccess(db, id)).toBe(false);
    const row = await lockRow(loginId);
    expect(row).toMatchObject({ failed_attempts: MAX, locked: true });
    expect((await login(loginId, PASSWORD)).body.code).toBe('LOGIN_LOCKED');
  });

  it('a double-click with the right password after four typos signs in: the second request is told to wait, nothing locks', async () => {
    const loginId = await freshLogin();
    for (let i = 0; i < MAX - 1; i++) expect((await login(loginId, 'wrong-password')).status).toBe(401);
    const { id } = await lockRow(loginId);
    const db = t.db.dataSource;
    const policy = { maxFailures: MAX, lockMinutes: 15 };
    // the first click's check is in flight (it holds the last slot) when the second click arrives
    expect(await claimAttempt(db, id, policy)).toEqual({ claimed: true });
    const second = await login(loginId, PASSWORD);
    expect([second.status, second.body.code]).toEqual([429, 'LOGIN_ATTEMPTS_IN_PROGRESS']);
    expect(await outcomes(loginId)).toEqual({ invalid_credentials: MAX - 1, in_progress: 1 });
    expect(second.body.message).toMatch(/ログイン/);
    expect((await lockRow(loginId)).locked_until).toBeNull();
    // the first click's right password settles: the count is reset, and signing in works
    expect(await settleSuccess(db, id)).toBe(true);
    await loginAs(t, loginId, PASSWORD);
  });

  it('slots whose checks never settled (a crash between claim and settle) count as failures once stale', async () => {
    const loginId = await freshLogin();
    await t.db.dataSource.query(`UPDATE logins SET failed_attempts = $2 WHERE login_id = $1`, [loginId, MAX]);
    expect((await login(loginId, PASSWORD)).body.code).toBe('LOGIN_ATTEMPTS_IN_PROGRESS');
    await t.db.dataSource.query(`UPDATE logins SET updated_at = now() - interval '2 minutes' WHERE login_id = $1`, [loginId]);
    const stale = await login(loginId, PASSWORD);
    expect([stale.status, stale.body.code]).toEqual([423, 'LOGIN_LOCKED']);
    expect((await lockRow(loginId)).locked).toBe(true);
  });

  it('a sequential success before the limit resets the count', async () => {
    const loginId = await freshLogin();
    for (let i = 0; i < MAX - 1; i++) expect((await login(loginId, 'wrong-password')).status).toBe(401);
    await loginAs(t, loginId, PASSWORD);
    expect(await lockRow(loginId)).toMatchObject({ failed_attempts: 0, locked_until: null });
    for (let i = 0; i < MAX - 1; i++) expect((await login(loginId, 'wrong-password')).status).toBe(401);
    const last = await login(loginId, 'wrong-password');
    expect([last.status, last.body.code]).toEqual([423, 'LOGIN_LOCKED']);
  });

  describe('current password at a password change', () => {
    const change = (token: string, loginId: string, currentPassword: string, newPassword = 'Another-Passw0rd-9') =>
      t.http().put(`/api/v1/logins/${loginId}/password`).set('Authorization', `Bearer ${token}`).send({ currentPassword, newPassword });

    it('counts wrong current passwords toward the lockout; the lock refuses the change and the login', async () => {
      const loginId = await freshLogin();
      const token = await loginAs(t, loginId, PASSWORD);
      for (let i = 0; i < MAX - 1; i++) {
        const res = await change(token, loginId, `not-it-${i}`);
        expect([res.status, res.body.code]).toEqual([422, 'CURRENT_PASSWORD_INCORRECT']);
      }
      const locking = await change(token, loginId, 'not-it-last');
      expect([locking.status, locking.body.code]).toEqual([423, 'LOGIN_LOCKED']);
      expect(locking.body.details.unlocksAt).toEqual(expect.any(String));
      // the right current password is refused during the lock, and nothing changed
      const right = await change(token, loginId, PASSWORD);
      expect([right.status, right.body.code]).toEqual([423, 'LOGIN_LOCKED']);
      expect((await login(loginId, PASSWORD)).body.code).toBe('LOGIN_LOCKED');
      // the token that made the requests keeps working (the lock guards password checks, not sessions)
      expect((await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      // once the lock runs out the change goes through
      await t.db.dataSource.query(`UPDATE logins SET locked_until = now() - interval '1 second' WHERE login_id = $1`, [loginId]);
      expect((await change(token, loginId, PASSWORD)).status).toBe(204);
      await loginAs(t, loginId, 'Another-Passw0rd-9');
    });

    it('concurrent wrong current passwords check at most the limit', async () => {
      const loginId = await freshLogin();
      const token = await loginAs(t, loginId, PASSWORD);
      const res = await Promise.all(Array.from({ length: 15 }, (_, i) => change(token, loginId, `not-it-${i}`)));
      const incorrect = res.filter((r) => r.body.code === 'CURRENT_PASSWORD_INCORRECT').length;
      const locked = res.filter((r) => r.body.code === 'LOGIN_LOCKED').length;
      const inProgress = res.filter((r) => r.body.code === 'LOGIN_ATTEMPTS_IN_PROGRESS').length;
      expect(incorrect + locked + inProgress).toBe(15);
      expect(incorrect).toBeLessThanOrEqual(MAX - 1);
      expect(locked).toBeGreaterThanOrEqual(1); // the failure that filled the count locked
      expect(await lockRow(loginId)).toMatchObject({ failed_attempts: MAX, locked: true });
    });
  });
});
