import { JSON_BODY_LIMITS } from '../../src/core/http/middleware';
import { createTestApp, type TestApp } from '../support/app';
import { whileHealthPolled } from '../support/health-poller';
import { spawnRegistry, type RegistryProcess } from '../support/process';

const members = (n: number, prefix = 'k') => '{' + Array.from({ length: n }, (_, i) => `"${prefix}${i}":1`).join(',') + '}';
const elements = (n: number) => '[' + Array(n).fill('0').join(',') + ']';

/**
 * Bodies with many members or elements (about 1 MB, within the body limit) on the routes anyone
 * may call: class-transformer's cost grows with the square of an object's member count, and a
 * 90,000-member object held the event loop for 5 s before it was refused as unknown fields.
 */
const HOSTILE = [
  { name: '90,000 members at the top', body: members(90_000) },
  { name: '90,000 members in an unknown property', body: `{"loginId":"x","password":"y","a":${members(90_000)}}` },
  { name: 'a 250,000-element array', body: `{"loginId":"x","password":"y","a":${elements(250_000)}}` },
];
const ROUTES = ['/api/v1/auth/login', '/api/v1/registration-applications', '/api/v1/prtr/eligibility'];

describe('JSON bodies too complex to validate are refused before validation, and the registry keeps answering (e2e)', () => {
  let t: TestApp;
  /** The compiled registry on the same database: its /health is timed by a poller of its own. */
  let registry: RegistryProcess;
  let registryUrl: string;
  const figures: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    registry = spawnRegistry({ DATABASE_URL: t.db.url, JWT_SECRET: t.config.jwtSecret, NOTIFY_DISPATCH: 'false' });
    registryUrl = await registry.ready;
  });
  afterAll(async () => {
    if (figures.length) console.log(`time to refusal and longest /health latency:\n  ${figures.join('\n  ')}`);
    if (registry?.proc.exitCode === null) {
      registry.proc.kill('SIGTERM');
      await registry.exited;
    }
    await t?.close();
  });

  const post = (route: string, body: string) => t.http().post(route).set('content-type', 'application/json').send(body);

  it.each(ROUTES.flatMap((route) => HOSTILE.map((h) => [route, h.name, h.body] as const)))(
    'POST %s with %s: 413 BODY_TOO_COMPLEX, /health answering within 200 ms meanwhile',
    async (route, name, body) => {
      expect(body.length).toBeLessThan(1024 * 1024);
      const { result, slowest, polls, failures } = await whileHealthPolled(registryUrl, async () => {
        const started = performance.now();
        const res = await fetch(`${registryUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return { status: res.status, body: (await res.json()) as { code: string; message: string; details: Record<string, unknown> }, ms: performance.now() - started };
      });
      expect([result.status, result.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
      expect(result.body.details).toEqual({ limit: 'maxValues', max: JSON_BODY_LIMITS.maxValues, field: '(body)' });
      expect(result.body.message).toContain(String(JSON_BODY_LIMITS.maxValues));
      expect(result.body.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      expect(failures).toBe(0);
      expect(polls).toBeGreaterThan(0);
      expect(slowest).toBeLessThan(200);
      figures.push(`${route} ${name}: refused in ${result.ms.toFixed(0)} ms, /health at most ${slowest.toFixed(0)} ms over ${polls} polls`);
    },
  );

  it('an object of more than 200 members or an array of more than 2,000 elements is 413 naming the bound and where', async () => {
    const wide = await post('/api/v1/auth/login', `{"loginId":"x","password":"y","a":{"b":${members(JSON_BODY_LIMITS.maxObjectKeys + 1)}}}`);
    expect([wide.status, wide.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
    expect(wide.body.details).toEqual({ limit: 'maxObjectKeys', max: 200, field: 'a.b' });
    expect(wide.body.message).toBe('JSONのオブジェクトの項目が多すぎます（1つのオブジェクトに最大200項目）。');
    const top = await post('/api/v1/auth/login', members(JSON_BODY_LIMITS.maxObjectKeys + 1));
    expect(top.body.details).toEqual({ limit: 'maxObjectKeys', max: 200, field: '(body)' });

    const long = await post('/api/v1/prtr/eligibility', `{"industryCode":"2000","employees":1,"facilities":${elements(JSON_BODY_LIMITS.maxArrayElements + 1)}}`);
    expect([long.status, long.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
    expect(long.body.details).toEqual({ limit: 'maxArrayElements', max: 2000, field: 'facilities' });
    expect(long.body.message).toBe('JSONの配列の要素が多すぎます（1つの配列に最大2000要素）。');
    const en = await post('/api/v1/prtr/eligibility', `{"facilities":${elements(2001)}}`).set('Accept-Language', 'en');
    expect(en.body.message).toBe('A JSON array in the body has too many elements (at most 2000).');

    // 6 arrays of 2,000 one-member objects: 12,000 commas (under the bound counted before parsing),
    // but 24,009 values once parsed: refused by the walk, naming where the count ran over
    const arrays = Array.from({ length: 6 }, (_, i) => `"a${i}":[${Array(2000).fill('{"b":0}').join(',')}]`).join(',');
    const many = await post('/api/v1/auth/login', `{"loginId":"x","password":"y",${arrays}}`);
    expect([many.status, many.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
    expect(many.body.details).toMatchObject({ limit: 'maxValues', max: 20_000, field: expect.stringMatching(/^a\d\.\d+$/) });
    expect(many.body.message).toBe('JSONに含まれる値が多すぎます（本文全体で最大20000個）。');
  });

  it('at the bounds the body is validated as usual, and a refusal of many unknown fields lists the first 20', async () => {
    const res = await post('/api/v1/auth/login', members(JSON_BODY_LIMITS.maxObjectKeys));
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    // 200 unknown members and the 2 missing fields: 202 problems, the first 20 listed
    expect(res.body.details.fields).toHaveLength(20);
    expect(res.body.details).toMatchObject({ truncated: true, fieldCount: 202 });
    const few = await post('/api/v1/auth/login', '{"loginId":"x","password":"y","a":1,"b":2}');
    expect(few.body.details).toEqual({
      fields: [
        { field: 'a', problems: ['property a should not exist'] },
        { field: 'b', problems: ['property b should not exist'] },
      ],
    });
    const array = await post('/api/v1/prtr/eligibility', `{"industryCode":"2000","employees":1,"facilities":${elements(JSON_BODY_LIMITS.maxArrayElements)}}`);
    expect([array.status, array.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
