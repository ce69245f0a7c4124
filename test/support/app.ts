import { randomBytes } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp, resolveRuntime } from '../../src/app';
import { loadEnv } from '../../src/core/config/env';
import type { RuntimeConfig } from '../../src/core/config/runtime-config';
import { JsonLogger } from '../../src/core/logging/json-logger';
import { createTestDatabase, type TestDatabase } from './database';

/** supertest parser for file downloads: the body as one Buffer. */
export function binary(res: request.Response, done: (err: Error | null, body: unknown) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

export const BOOTSTRAP_LOGIN = 'secretariat-root';
export const BOOTSTRAP_PASSWORD = 'Bootstrap-Passw0rd!';

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  config: RuntimeConfig;
  /** The error log lines the app wrote (JSON). */
  logs: string[];
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The settings every test app runs with. */
function testEnv(settings: Record<string, string>) {
  return loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    BOOTSTRAP_SECRETARIAT_LOGIN_ID: BOOTSTRAP_LOGIN,
    BOOTSTRAP_SECRETARIAT_PASSWORD: BOOTSTRAP_PASSWORD,
    // the factories submit many applications from one address; the rate-limit test sets its own
    APPLICATION_RATE_LIMIT: '100000',
    // tests drive the dispatcher themselves (runOnce), so what is sent is deterministic
    NOTIFY_DISPATCH: 'false',
    ...settings,
  });
}

/** The real application (same plumbing as main.ts) on a fresh migrated database. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  extraModules: Type[] = [],
  options: { server?: string } = {},
): Promise<TestApp> {
  const db = await createTestDatabase({ server: options.server });
  const env = testEnv({ DATABASE_URL: db.url, JWT_SECRET: randomBytes(32).toString('hex'), ...overrides });
  const config: RuntimeConfig = {
    env,
    databaseUrl: db.url,
    poolSize: 5,
    jwtSecret: env.JWT_SECRET!,
    embedded: false,
  };
  const lines: string[] = [];
  const app = await createApp(config, new JsonLogger('error', (line) => lines.push(line)), extraModules);
  await app.init();
  return {
    app,
    db,
    config,
    logs: lines,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/**
 * The real application on the embedded database (PGlite in a fresh data folder, one pooled
 * connection), in this process: the same workflows as on PostgreSQL, with the app's own data
 * source as `db.dataSource` (single session: never use it inside an open transaction).
 */
export async function createEmbeddedTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'asset-embedded-test-'));
  const env = testEnv({ DATA_DIR: dataDir, ...overrides });
  const { config, embedded } = await resolveRuntime(env);
  const lines: string[] = [];
  const app = await createApp(config, new JsonLogger('error', (line) => lines.push(line)));
  await app.init();
  const dataSource = app.get(DataSource);
  return {
    app,
    db: { name: 'embedded', url: config.databaseUrl, dataSource, drop: async () => undefined },
    config,
    logs: lines,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await embedded?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function loginAs(t: TestApp, loginId: string, password: string): Promise<string> {
  const res = await t.http().post('/api/v1/auth/login').send({ loginId, password });
  if (res.status !== 200) throw new Error(`login ${loginId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}
