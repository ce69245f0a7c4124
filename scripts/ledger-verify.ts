// `npm run ledger:verify`: recomputes every balance from the entries, checks Σ postings = 0 per
// transaction and overall, and every hash chain. Prints the mismatches; exits 1 on any.
// Reads DATABASE_URL, or the embedded database in DATA_DIR when it is unset (registry stopped).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../src/core/config/env';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { startEmbeddedDatabase } from '../src/core/database/embedded';
import { verifyLedger } from '../src/modules/ledger/verify';

async function main() {
  const env = loadEnv({ ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'x'.repeat(32) });
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedDatabase(env.DATA_DIR);
  const db = new DataSource(dataSourceOptions({ url: env.DATABASE_URL ?? embedded!.url, poolSize: 1 }));
  try {
    await db.initialize();
    const report = await verifyLedger(db);
    for (const p of report.problems) console.log(`MISMATCH ${p}`);
    console.log(
      `ledger:verify accounts=${report.accounts} transactions=${report.transactions} entries=${report.entries} ` +
        `mismatches=${report.problems.length} ${report.problems.length ? 'FAILED' : 'ok'}`,
    );
    process.exitCode = report.problems.length ? 1 : 0;
  } finally {
    if (db.isInitialized) await db.destroy();
    await embedded?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
