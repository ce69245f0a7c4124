import { createTestApp, loginAs, BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD, type TestApp } from '../support/app';
import { hashPassword } from '../../src/modules/identity/passwords';

describe('login and tokens (over HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', JWT_EXPIRES_IN_SECONDS: '60' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const attempts = async (loginId: string) =>
    (await t.db.dataSource.query(`SELECT outcome FROM login_attempts WHERE attempted_login_id = $1 ORDER BY id`, [loginId])).map(
      (r: { outcome: string }) => r.outcome,
    );

  it('creates the bootstrap secretariat once, exempt from the first-login change', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ loginId: BOOTSTRAP_LOGIN, password: BOOTSTRAP_PASSWORD }).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 60,
      role: 'secretariat',
      mustChangePassword: false,
    });
    const me = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ loginId: BOOTSTRAP_LOGIN, role: 'secretariat', mustChangePassword: false });
    const [{ count }] = await t.db.dataSource.query(`SELECT count(*)::int AS count FROM logins WHERE role = 'secretariat'`);
    expect(count).toBe(1);
  });

  it('answers the same 401 for an unknown login ID and a wrong password, and records both', async () => {
    const unknown = await t.http().post('/api/v1/auth/login').send({ loginId: 'nobody', password: 'whatever-123' });
    const wrong = await t.http().post('/api/v1/auth/login').send({ loginId: BOOTSTRAP_LOGIN, password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(await attempts('nobody')).toEqual(['invalid_credentials']);
    // a success resets the counter
    await loginAs(t, BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD);
    const [{ failed_attempts }] = await t.db.dataSource.query(`SELECT failed_attempts FROM logins WHERE login_id = $1`, [BOOTSTRAP_LOGIN]);
    expect(failed_attempts).toBe(0);
  });

  it('locks a login after the configured failures, refuses even the right password, then unlocks', async () => {
    await t.db.dataSource.query(`INSERT INTO prtr_ministers (code, name) VALUES ('METI', '経済産業大臣')`);
    await t.db.dataSource.query(
      `INSERT INTO logins (login_id, role, display_name, password_hash, must_change_password, prtr_minister_code) VALUES ('M0001', 'prtr_ministry', '経済産業省', $1, false, 'METI')`,
      [await hashPassword('Ministry-Pass-1')],
    );
    const bad = () => t.http().post('/api/v1/auth/login').send({ loginId: 'M0001', password: 'nope-nope-nope' });
    expect((await bad()).status).toBe(401);
    expect((await bad()).status).toBe(401);
    const third = await bad();
    expect(third.status).toBe(423);
    expect(third.body.code).toBe('LOGIN_LOCKED');
    const unlocksAt = new Date(third.body.details.unlocksAt).getTime();
    expect(unlocksAt).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(unlocksAt).toBeLessThan(Date.now() + 16 * 60_000);

    const right = await t.http().post('/api/v1/auth/login').send({ loginId: 'M0001', password: 'Ministry-Pass-1' });
    expect(right.status).toBe(423);
    expect(await attempts('M0001')).toEqual(['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'locked']);

    // the lock runs out (moved into the past rather than waiting 15 minutes)
    await t.db.dataSource.query(`UPDATE logins SET locked_until = now() - interval '1 second' WHERE login_id = 'M0001'`);
    expect((await bad()).status).toBe(401); // counting restarts at 1
    await loginAs(t, 'M0001', 'Ministry-Pass-1');
  });

  it('refuses tampered, foreign-signed, expired and missing tokens with 401', async () => {
    const token = await loginAs(t, BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'holder_a' })).toString('base64url');
    const me = (auth?: string) => {
      const req = t.http().get('/api/v1/auth/me');
      return auth ? req.set('Authorization', auth) : req;
    };
    expect((await me(`Bearer ${header}.${forged}.${signature}`)).status).toBe(401);
    expect((await me(`Bearer ${token.slice(0, -2)}xx`)).status).toBe(401);
    expect((await me('Bearer not-a-jwt')).status).toBe(401);
    expect((await me()).body.code).toBe('UNAUTHENTICATED');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect((await me(`Bearer ${unsigned}`)).status).toBe(401);

    const jwt = t.app.get((await import('@nestjs/jwt')).JwtService);
    const { iat: _iat, exp: _exp, iss: _iss, ...rest } = claims;
    const expired = await jwt.signAsync(rest, { expiresIn: -10 });
    const res = await me(`Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
    // a token already accepted (its signature remembered) is still refused once it expires
    // exp counts whole seconds: signed at the start of a second with 2 s, the token lives 1–2 s (with
    // 1 s signed late in a second it could expire before the first request under load)
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
    const shortLived = await jwt.signAsync(rest, { expiresIn: 2 });
    expect((await me(`Bearer ${shortLived}`)).status).toBe(200);
    const { exp } = JSON.parse(Buffer.from(shortLived.split('.')[1], 'base64url').toString());
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const late = await me(`Bearer ${shortLived}`);
    expect([late.status, late.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
    const otherIssuer = await jwt.signAsync(rest, { issuer: 'someone-else' });
    expect((await me(`Bearer ${otherIssuer}`)).body.code).toBe('UNAUTHENTICATED');
    expect((await me(`Basic ${Buffer.from('a:b').toString('base64')}`)).body.code).toBe('UNAUTHENTICATED');
    expect((await me(`Bearer ${token} extra`)).status).toBe(401);
    expect((await me(`bearer ${token}`)).status).toBe(200); // the scheme is case-insensitive (RFC 7235)
    expect((await me(`Bearer ${token}`)).status).toBe(200);
  });

  it('stops accepting a token once the login has changed its password (token version)', async () => {
    const token = await loginAs(t, BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD);
    await t.db.dataSource.query(`UPDATE logins SET token_version = token_version + 1 WHERE login_id = $1`, [BOOTSTRAP_LOGIN]);
    expect((await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });
});
