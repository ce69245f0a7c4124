import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SQL_V1 } from './sql/audit.v1';

/** The audit trail: append-only events, sealed into a hash chain by audit_seal(). */
export class CreateAuditTrail1795450314486 implements MigrationInterface {
  name = 'CreateAuditTrail1795450314486';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "login_uuid" uuid, "login_id" character varying(128), "role" character varying(32), "action" character varying(200) NOT NULL, "target_type" character varying(64), "target_id" character varying(128), "target_holder_id" uuid, "outcome" character varying(64) NOT NULL, "status" integer NOT NULL, "request_id" character varying(64), "client_ip" character varying(64), "summary" jsonb NOT NULL DEFAULT '{}', "seq" bigint, "prev_hash" character varying(64), "hash" character varying(64), CONSTRAINT "pk_audit_events" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_audit_events_seq" ON "audit_events" ("seq") WHERE "seq" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_audit_events_holder" ON "audit_events" ("target_holder_id", "at") `);
    await q.query(`CREATE INDEX "ix_audit_events_login" ON "audit_events" ("login_uuid", "at") `);
    await q.query(`CREATE INDEX "ix_audit_events_at" ON "audit_events" ("at") `);
    await q.query(`ALTER TABLE "audit_events" ADD CONSTRAINT "fk_audit_events_login" FOREIGN KEY ("login_uuid") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    for (const sql of AUDIT_SQL_V1) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER audit_events_append_only ON audit_events`);
    await q.query(`DROP FUNCTION audit_guard()`);
    await q.query(`DROP FUNCTION audit_seal(integer)`);
    await q.query(`DROP TABLE audit_chain`);
    await q.query(`ALTER TABLE "audit_events" DROP CONSTRAINT "fk_audit_events_login"`);
    await q.query(`DROP INDEX "public"."ix_audit_events_at"`);
    await q.query(`DROP INDEX "public"."ix_audit_events_login"`);
    await q.query(`DROP INDEX "public"."ix_audit_events_holder"`);
    await q.query(`DROP INDEX "public"."uq_audit_events_seq"`);
    await q.query(`DROP TABLE "audit_events"`);
  }
}
