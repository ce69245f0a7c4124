import { BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD, createTestApp, type TestApp } from '../support/app';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startCluster } = require('../../scripts/pg-cluster.cjs');

/**
 * A server we own (a throwaway cluster) is stopped under the running app and started again:
 * requests answer 503 meanwhile, and the app recovers by itself.
 */
describe('database outage and recovery', () => {
  let cluster: { url: string; stop(mode?: string): void; start(): void; destroy(): void };
  let t: TestApp;

  beforeAll(async () => {
    cluster = await startCluster();
    t = await createTestApp({}, [], { server: cluster.url });
  }, 120_000);

  afterAll(async () => {
    await t?.close().catch(() => {});
    cluster?.destroy();
  });

  it('answers 503 while the database is down and recovers when it returns', async () => {
    const http = t.http;
    await http().get('/health').expect(200);
    const token = (await http().post('/api/v1/auth/login').send({ loginId: BOOTSTRAP_LOGIN, password: BOOTSTRAP_PASSWORD }).expect(200))
      .body.accessToken;

    cluster.stop('fast');
    const health = await http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.code).toBe('DATABASE_UNAVAILABLE');
    const me = await http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(503);
    expect(me.body.code).toBe('DATABASE_UNAVAILABLE');
    expect(me.body.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(me.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    const login = await http().post('/api/v1/auth/login').send({ loginId: BOOTSTRAP_LOGIN, password: BOOTSTRAP_PASSWORD });
    expect(login.status).toBe(503);

    cluster.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await http().get('/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    await http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
