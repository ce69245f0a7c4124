import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_POST_SQL } from './sql/ledger-post.v1';
import { LEDGER_POST_BATCH_SQL } from './sql/ledger-post-batch.v1';
import { LEDGER_POST_BATCH_V2_SQL, LEDGER_POST_V2_SQL } from './sql/ledger-post-batch.v2';
import { AUDIT_APPEND_SQL } from './sql/audit.v2';
import { AUDIT_APPEND_V3_SQL } from './sql/audit.v3';

/**
 * ledger_post_batch() v2 checks a batch's postings against its accounts held in memory and writes
 * the batch with one statement per table; ledger_post() v2 is a batch of one. Same arguments,
 * checks, codes and results as v1. audit_append() v3 writes a flush's events with one INSERT. The
 * outbox's two indexes over every row become one over the unsent messages.
 * See migrations/sql/ledger-post-batch.v2.ts and audit.v3.ts.
 */
export class SetBasedBatchWrites1795480000000 implements MigrationInterface {
  name = 'SetBasedBatchWrites1795480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LEDGER_POST_BATCH_V2_SQL);
    await q.query(LEDGER_POST_V2_SQL);
    await q.query(AUDIT_APPEND_V3_SQL);
    // the outbox's queue holds only unsent messages (one index instead of two over every row)
    await q.query(`CREATE INDEX "ix_notifications_unsent" ON "notifications" ("created_at") WHERE "status" IN ('pending', 'sending')`);
    await q.query(`DROP INDEX "public"."ix_notifications_created_at"`);
    await q.query(`DROP INDEX "public"."ix_notifications_due"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_notifications_due" ON "notifications" ("status", "next_attempt_at")`);
    await q.query(`CREATE INDEX "ix_notifications_created_at" ON "notifications" ("created_at")`);
    await q.query(`DROP INDEX "public"."ix_notifications_unsent"`);
    await q.query(`DROP FUNCTION audit_append(jsonb)`);
    await q.query(AUDIT_APPEND_SQL);
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text)`);
    await q.query(LEDGER_POST_SQL);
    await q.query(`DROP FUNCTION ledger_post_batch(jsonb)`);
    await q.query(LEDGER_POST_BATCH_SQL);
  }
}
