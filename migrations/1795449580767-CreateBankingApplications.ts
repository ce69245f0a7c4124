import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Banking applications (バンキング申請) decided by the secretariat. */
export class CreateBankingApplications1795449580767 implements MigrationInterface {
  name = 'CreateBankingApplications1795449580767';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "banking_applications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "phase_id" uuid NOT NULL, "target_holder_id" uuid NOT NULL, "quantity" numeric(20,0) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'submitted', "submitted_by" uuid NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "rejection_reason" character varying(1000), CONSTRAINT "ck_banking_applications_reason" CHECK (("status" = 'rejected') = ("rejection_reason" IS NOT NULL)), CONSTRAINT "ck_banking_applications_decision" CHECK (("status" = 'submitted') = ("decided_at" IS NULL)), CONSTRAINT "ck_banking_applications_status" CHECK ("status" IN ('submitted','approved','rejected')), CONSTRAINT "ck_banking_applications_quantity" CHECK ("quantity" > 0 AND "quantity" = trunc("quantity")), CONSTRAINT "pk_banking_applications" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_banking_applications_holder" ON "banking_applications" ("target_holder_id", "submitted_at") `);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_phase" FOREIGN KEY ("phase_id") REFERENCES "phases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_decided_by" FOREIGN KEY ("decided_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_decided_by"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_submitted_by"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_target_holder"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_phase"`);
    await q.query(`DROP INDEX "public"."ix_banking_applications_holder"`);
    await q.query(`DROP TABLE "banking_applications"`);
  }
}
