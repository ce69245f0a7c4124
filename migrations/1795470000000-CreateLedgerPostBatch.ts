import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_POST_BATCH_SQL } from './sql/ledger-post-batch.v1';

/** ledger_post_batch(): the service's group commit of concurrent postings (see the SQL file). */
export class CreateLedgerPostBatch1795470000000 implements MigrationInterface {
  name = 'CreateLedgerPostBatch1795470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LEDGER_POST_BATCH_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_post_batch(jsonb)`);
  }
}
