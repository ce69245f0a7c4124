import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Emissions management: phases and their participants, reports, report files and transitions. */
export class CreateEmissions1795449040670 implements MigrationInterface {
  name = 'CreateEmissions1795449040670';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "phases" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(32) NOT NULL, "adopted_fiscal_year" integer NOT NULL, "base_fiscal_year" integer NOT NULL, "target_fiscal_year" integer NOT NULL, "adjustment_fiscal_year" integer NOT NULL, "retirement_deadline" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_phases_years" CHECK ("base_fiscal_year" < "target_fiscal_year" AND "target_fiscal_year" < "adjustment_fiscal_year"), CONSTRAINT "pk_phases" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_phases_name" ON "phases" ("name") `);
    await q.query(`CREATE TABLE "phase_participants" ("phase_id" uuid NOT NULL, "target_holder_id" uuid NOT NULL, "reduction_target" numeric(20,3) NOT NULL, "base_year_emissions" numeric(20,3), "target_year_emissions" numeric(20,3), "banked" numeric(20,0) NOT NULL DEFAULT '0', "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_phase_participants_banked" CHECK ("banked" >= 0 AND "banked" = trunc("banked")), CONSTRAINT "ck_phase_participants_target" CHECK ("reduction_target" >= 0), CONSTRAINT "pk_phase_participants" PRIMARY KEY ("phase_id", "target_holder_id"))`);
    await q.query(`CREATE TABLE "reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "target_holder_id" uuid NOT NULL, "phase_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "fiscal_year" integer NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'not_submitted', "emissions" numeric(20,3), "current_file_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_reports_file" CHECK (("status" = 'not_submitted') = ("current_file_id" IS NULL)), CONSTRAINT "ck_reports_emissions" CHECK ("emissions" IS NULL OR "emissions" >= 0), CONSTRAINT "ck_reports_status" CHECK ("status" IN ('not_submitted','registered','verification_requested','approval_requested','approved','submitted','received')), CONSTRAINT "ck_reports_kind" CHECK ("kind" IN ('base_year','target_year','adjustment_year')), CONSTRAINT "pk_reports" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_reports_holder_phase_kind" ON "reports" ("target_holder_id", "phase_id", "kind") `);
    await q.query(`CREATE TABLE "report_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "file_name" character varying(255) NOT NULL, "media_type" character varying(128) NOT NULL, "size" integer NOT NULL, "sha256" character varying(64) NOT NULL, "content" bytea NOT NULL, "comment" character varying(4000), "uploaded_by" uuid NOT NULL, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_report_files_size" CHECK ("size" = octet_length("content")), CONSTRAINT "ck_report_files_kind" CHECK ("kind" IN ('calculation','attachment','verification','review')), CONSTRAINT "pk_report_files" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_report_files_report_kind" ON "report_files" ("report_id", "kind", "uploaded_at") `);
    await q.query(`CREATE TABLE "report_transitions" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "report_id" uuid NOT NULL, "from_status" character varying(32) NOT NULL, "action" character varying(32) NOT NULL, "to_status" character varying(32) NOT NULL, "actor_id" uuid NOT NULL, "actor_role" character varying(32) NOT NULL, "comment" character varying(4000), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_report_transitions" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_report_transitions_report" ON "report_transitions" ("report_id", "at") `);
    await q.query(`ALTER TABLE "phase_participants" ADD CONSTRAINT "fk_phase_participants_phase" FOREIGN KEY ("phase_id") REFERENCES "phases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "phase_participants" ADD CONSTRAINT "fk_phase_participants_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "fk_reports_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "fk_reports_phase" FOREIGN KEY ("phase_id") REFERENCES "phases"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "fk_reports_current_file" FOREIGN KEY ("current_file_id") REFERENCES "report_files"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "report_files" ADD CONSTRAINT "fk_report_files_report" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "report_files" ADD CONSTRAINT "fk_report_files_uploaded_by" FOREIGN KEY ("uploaded_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "report_transitions" ADD CONSTRAINT "fk_report_transitions_report" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "report_transitions" ADD CONSTRAINT "fk_report_transitions_actor" FOREIGN KEY ("actor_id") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // Files and the transition log are never changed once written.
    for (const table of ['report_files', 'report_transitions']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION forbid_modification()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "report_transitions" DROP CONSTRAINT "fk_report_transitions_actor"`);
    await q.query(`ALTER TABLE "report_transitions" DROP CONSTRAINT "fk_report_transitions_report"`);
    await q.query(`ALTER TABLE "report_files" DROP CONSTRAINT "fk_report_files_uploaded_by"`);
    await q.query(`ALTER TABLE "report_files" DROP CONSTRAINT "fk_report_files_report"`);
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "fk_reports_current_file"`);
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "fk_reports_phase"`);
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "fk_reports_target_holder"`);
    await q.query(`ALTER TABLE "phase_participants" DROP CONSTRAINT "fk_phase_participants_target_holder"`);
    await q.query(`ALTER TABLE "phase_participants" DROP CONSTRAINT "fk_phase_participants_phase"`);
    await q.query(`DROP INDEX "public"."ix_report_transitions_report"`);
    await q.query(`DROP TABLE "report_transitions"`);
    await q.query(`DROP INDEX "public"."ix_report_files_report_kind"`);
    await q.query(`DROP TABLE "report_files"`);
    await q.query(`DROP INDEX "public"."uq_reports_holder_phase_kind"`);
    await q.query(`DROP TABLE "reports"`);
    await q.query(`DROP TABLE "phase_participants"`);
    await q.query(`DROP INDEX "public"."uq_phases_name"`);
    await q.query(`DROP TABLE "phases"`);
  }
}
