// The command-line scripts' one way to reach the database: DATABASE_URL, or the embedded
// database in DATA_DIR when it is unset (the registry must be stopped: one process per folder).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadEnv } from '../src/core/config/env';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { startEmbeddedDatabase } from '../src/core/database/embedded';

export async function withDatabase(work: (db: DataSource) => Promise<number | void>): Promise<void> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedDatabase>> | undefined;
  let db: DataSource | undefined;
  try {
    // a script needs no JWT secret; the validation must not ask for one
    const env = loadEnv({ ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'x'.repeat(32) });
    embedded = env.DATABASE_URL ? undefined : await startEmbeddedDatabase(env.DATA_DIR);
    db = new DataSource(dataSourceOptions({ url: env.DATABASE_URL ?? embedded!.url, poolSize: 1 }));
    await db.initialize();
    const code = await work(db);
    process.exitCode = code ?? 0;
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 2;
  } finally {
    if (db?.isInitialized) await db.destroy();
    await embedded?.close();
  }
}
