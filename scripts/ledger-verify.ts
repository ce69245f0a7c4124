// `npm run ledger:verify`: recomputes every balance from the entries, checks Σ postings = 0 per
// transaction and overall, and every hash chain. Prints the mismatches; exits 1 on any.
import { verifyLedger } from '../src/modules/ledger/verify';
import { withDatabase } from './with-database';

void withDatabase(async (db) => {
  const report = await verifyLedger(db);
  for (const p of report.problems) console.log(`MISMATCH ${p}`);
  console.log(
    `ledger:verify accounts=${report.accounts} transactions=${report.transactions} entries=${report.entries} ` +
      `mismatches=${report.problems.length} ${report.problems.length ? 'FAILED' : 'ok'}`,
  );
  return report.problems.length ? 1 : 0;
});
