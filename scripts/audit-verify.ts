// `npm run audit:verify`: seals pending audit events (--seal), recomputes the whole hash chain and
// reports the first broken link; exits 1 when the chain is broken.
import { verifyAudit } from '../src/modules/audit/verify';
import { withDatabase } from './with-database';

void withDatabase(async (db) => {
  if (process.argv.includes('--seal')) await db.query(`SELECT audit_seal(1000000)`);
  const report = await verifyAudit(db);
  if (report.firstBroken) {
    console.log(`BROKEN at seq ${report.firstBroken.seq} (event ${report.firstBroken.id}): ${report.firstBroken.problem}`);
  }
  console.log(`audit:verify sealed=${report.sealed} unsealed=${report.unsealed} ${report.firstBroken ? 'FAILED' : 'ok'}`);
  return report.firstBroken ? 1 : 0;
});
