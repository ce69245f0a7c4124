import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../support/app';

const ROOT = path.resolve(__dirname, '../..');
const COMMITTED = path.join(ROOT, 'web/src/api/schema.d.ts');
const GENERATOR = path.join(ROOT, 'web/node_modules/openapi-typescript/bin/cli.js');

/**
 * The browser app's typed client (web/src/api/schema.d.ts) is generated from the OpenAPI document
 * by openapi-typescript. This fails when the committed file is stale; regenerate it with
 *   UPDATE_WEB_CLIENT=1 npm test -- --selectProjects e2e --testPathPatterns web-client
 */
describe('the web client generated from /api/openapi.json', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(path.join(tmpdir(), 'web-client-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is up to date', async () => {
    const doc = await t.http().get('/api/openapi.json').expect(200);
    const input = path.join(dir, 'openapi.json');
    const output = path.join(dir, 'schema.d.ts');
    writeFileSync(input, JSON.stringify(doc.body, null, 2));
    const run = spawnSync(process.execPath, [GENERATOR, input, '-o', output], { cwd: path.join(ROOT, 'web'), encoding: 'utf8' });
    expect(run.status === 0 ? '' : run.stderr).toBe('');
    const fresh = readFileSync(output, 'utf8');
    if (process.env.UPDATE_WEB_CLIENT === '1') writeFileSync(COMMITTED, fresh);
    const committed = readFileSync(COMMITTED, 'utf8');
    // the paths the login screen calls are in it (a generator that wrote nothing would not pass)
    expect(fresh).toContain('"/api/v1/auth/login"');
    expect(fresh).toContain('LoginResponse');
    if (committed !== fresh) {
      throw new Error('web/src/api/schema.d.ts is stale: regenerate it with UPDATE_WEB_CLIENT=1 (see this test file) and commit it');
    }
  });
});
