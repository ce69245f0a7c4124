import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SQL_V1 } from './sql/audit.v1';
import { AUDIT_SEAL_V4_SQL, AUDIT_UNSEALED_INDEX_SQL } from './sql/audit.v4';
import { LEDGER_POST_BATCH_V3_SQL, LEDGER_POST_V3_SQL } from './sql/ledger-post-batch.v3';
import { LEDGER_POST_BATCH_V4_SQL, LEDGER_POST_V4_SQL } from './sql/ledger-post-batch.v4';

/**
 * A posting's audit event commits with the posting: ledger_post_batch() v4 writes one unsealed
 * audit_events row per successful posting in the batch's own statement, and ledger_post() v4 takes
 * the audit facts as a fourteenth, optional argument (v3's thirteen-argument calls still work).
 * audit_seal() chains those rows as it chains every unsealed row; its version 4 finds them through a
 * partial index and writes a chunk with one UPDATE. See migrations/sql/ledger-post-batch.v4.ts and
 * audit.v4.ts.
 */
export class PostingAuditEvents1795510000000 implements MigrationInterface {
  name = 'PostingAuditEvents1795510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text, text)`);
    await q.query(LEDGER_POST_BATCH_V4_SQL);
    await q.query(LEDGER_POST_V4_SQL);
    await q.query(AUDIT_UNSEALED_INDEX_SQL);
    await q.query(AUDIT_SEAL_V4_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_SQL_V1.find((sql) => sql.includes('FUNCTION audit_seal'))!.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await q.query(`DROP INDEX "public"."ix_audit_events_unsealed"`);
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text, text, jsonb)`);
    await q.query(LEDGER_POST_BATCH_V3_SQL);
    await q.query(LEDGER_POST_V3_SQL);
  }
}
