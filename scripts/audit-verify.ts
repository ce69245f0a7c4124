// `npm run audit:verify`: seals pending audit events (--seal), recomputes the whole hash chain and
// reports the first broken link, and reports acknowledged postings (ledger_transactions rows) without
// an audit event naming their transaction; exits 1 when the chain is broken or a posting has no event.
import { verifyAudit } from '../src/modules/audit/verify';
import { withDatabase } from './with-database';

void withDatabase(async (db) => {
  if (process.argv.includes('--seal')) await db.query(`SELECT audit_seal(1000000)`);
  const report = await verifyAudit(db);
  if (report.firstBroken) {
    console.log(`BROKEN at seq ${report.firstBroken.seq} (event ${report.firstBroken.id}): ${report.firstBroken.problem}`);
  }
  if (report.unaudited > 0) {
    console.log(`UNAUDITED: ${report.unaudited} of ${report.postings} postings have no audit event naming their transaction, e.g. ${report.unauditedSample.join(', ')}`);
  }
  const failed = report.firstBroken !== null || report.unaudited > 0;
  console.log(
    `audit:verify sealed=${report.sealed} unsealed=${report.unsealed} ${failed ? 'FAILED' : 'ok'} postings=${report.postings} unaudited=${report.unaudited}`,
  );
  return failed ? 1 : 0;
});
