// `npm run audit:verify`: seals pending audit events, recomputes the whole hash chain and reports
// the first broken link; exits 1 when the chain is broken.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../src/core/config/env';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { startEmbeddedDatabase } from '../src/core/database/embedded';
import { verifyAudit } from '../src/modules/audit/verify';

async function main() {
  const env = loadEnv({ ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'x'.repeat(32) });
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedDatabase(env.DATA_DIR);
  const db = new DataSource(dataSourceOptions({ url: env.DATABASE_URL ?? embedded!.url, poolSize: 1 }));
  try {
    await db.initialize();
    if (process.argv.includes('--seal')) await db.query(`SELECT audit_seal(1000000)`);
    const report = await verifyAudit(db);
    if (report.firstBroken) {
      console.log(`BROKEN at seq ${report.firstBroken.seq} (event ${report.firstBroken.id}): ${report.firstBroken.problem}`);
    }
    console.log(`audit:verify sealed=${report.sealed} unsealed=${report.unsealed} ${report.firstBroken ? 'FAILED' : 'ok'}`);
    process.exitCode = report.firstBroken ? 1 : 0;
  } finally {
    if (db.isInitialized) await db.destroy();
    await embedded?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
