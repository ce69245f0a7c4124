import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_APPEND_SQL } from './sql/audit.v2';
import { LEDGER_POST_BATCH_SQL } from './sql/ledger-post-batch.v1';

/**
 * Batched writes on the request path: ledger_post_batch() (the service's group commit of
 * concurrent postings, each still through ledger_post()) and audit_append() (audit events sealed
 * into the chain as they are written). See the SQL files.
 */
export class CreateBatchedWrites1795470000000 implements MigrationInterface {
  name = 'CreateBatchedWrites1795470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LEDGER_POST_BATCH_SQL);
    await q.query(AUDIT_APPEND_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(jsonb)`);
    await q.query(`DROP FUNCTION ledger_post_batch(jsonb)`);
  }
}
