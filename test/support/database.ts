import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/core/database/data-source-options';

/** The admin URL the test command found or provided (see scripts/test.mjs). */
export function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
}

/** Every database a test run creates starts with this prefix; the teardown drops exactly those. */
export function runPrefix(): string {
  return `asset_test_${(process.env.TEST_RUN_ID ?? 'local').toLowerCase().replace(/[^a-z0-9]/g, '')}_`;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(sql: string, url = adminUrl()): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A data source on the database with the real migrations applied (unless `migrate: false`). */
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the test server and applies the real migrations. */
export async function createTestDatabase(options: { migrate?: boolean; server?: string } = {}): Promise<TestDatabase> {
  const server = options.server ?? adminUrl();
  const name = `${runPrefix()}${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`, server);
  const url = withDatabase(server, name);
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 5 }));
  await dataSource.initialize();
  if (options.migrate !== false) await dataSource.runMigrations({ transaction: 'each' });
  return {
    name,
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, server);
    },
  };
}
