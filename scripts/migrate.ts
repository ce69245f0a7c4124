// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded database
// in DATA_DIR when DATABASE_URL is unset. Prints what it applied.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadEnv } from '../src/core/config/env';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { startEmbeddedDatabase } from '../src/core/database/embedded';

async function main() {
  const env = loadEnv({ ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'x'.repeat(32) });
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedDatabase(env.DATA_DIR);
  const dataSource = new DataSource(dataSourceOptions({ url: env.DATABASE_URL ?? embedded!.url, poolSize: 1 }));
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (!applied.length) console.log('migrations: nothing to apply');
    for (const m of applied) console.log(`migrations: applied ${m.name}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
