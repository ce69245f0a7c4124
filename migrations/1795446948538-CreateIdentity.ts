import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and access: target holders, verifiers and their assignments, trading participants,
 * applications (registration, trading participant, contact change), the accounts opened for them,
 * the notification outbox, and the links from logins to what they act for.
 */
export class CreateIdentity1795446948538 implements MigrationInterface {
  name = 'CreateIdentity1795446948538';

  async up(q: QueryRunner): Promise<void> {
    // Readable numbers: holders T00001 (logins T00001A / T00001B), verifiers V0001, participants P00001,
    // accounts AST-1001 upwards (the system accounts keep their fixed low numbers).
    await q.query(`CREATE SEQUENCE holder_number_seq START 1`);
    await q.query(`CREATE SEQUENCE verifier_number_seq START 1`);
    await q.query(`CREATE SEQUENCE participant_number_seq START 1`);
    await q.query(`CREATE SEQUENCE account_number_seq START 1001`);
    await q.query(`CREATE TABLE "target_holders" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "holder_number" character varying(16) NOT NULL, "representative_name" character varying(200) NOT NULL, "representative_name_kana" character varying(400) NOT NULL, "representative_person_name" character varying(100) NOT NULL, "representative_person_name_kana" character varying(200) NOT NULL, "co_businesses" jsonb NOT NULL DEFAULT '[]', "contact_company" character varying(200) NOT NULL, "contact_department" character varying(200) NOT NULL, "contact_title" character varying(100) NOT NULL, "contact_name" character varying(100) NOT NULL, "contact_name_kana" character varying(200) NOT NULL, "contact_postal_code" character varying(8) NOT NULL, "contact_address" character varying(300) NOT NULL, "contact_phone" character varying(20) NOT NULL, "contact_fax" character varying(20), "contact_email_a" character varying(254) NOT NULL, "contact_email_b" character varying(254), "disclosure_consent" boolean NOT NULL, "facility_name" character varying(200) NOT NULL, "facility_name_kana" character varying(400) NOT NULL, "facility_address" character varying(300) NOT NULL, "facility_type" character varying(16) NOT NULL, "participation_form" character varying(16) NOT NULL, "account_name" character varying(200) NOT NULL, "in_tokyo_or_saitama_scheme" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_target_holders_postal_code" CHECK ("contact_postal_code" ~ '^[0-9]{3}-[0-9]{4}$'), CONSTRAINT "ck_target_holders_participation_form" CHECK ("participation_form" IN ('single','group')), CONSTRAINT "ck_target_holders_facility_type" CHECK ("facility_type" IN ('factory','business_site')), CONSTRAINT "pk_target_holders" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_target_holders_holder_number" ON "target_holders"("holder_number") `);
    await q.query(`CREATE TABLE "trading_participants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "participant_number" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "name_kana" character varying(400) NOT NULL, "account_name" character varying(200) NOT NULL, "contact_department" character varying(200) NOT NULL, "contact_name" character varying(100) NOT NULL, "contact_name_kana" character varying(200) NOT NULL, "contact_postal_code" character varying(8) NOT NULL, "contact_address" character varying(300) NOT NULL, "contact_phone" character varying(20) NOT NULL, "contact_email" character varying(254) NOT NULL, "disclosure_consent" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_trading_participants" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_trading_participants_number" ON "trading_participants"("participant_number") `);
    await q.query(`CREATE TABLE "verifiers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "verifier_number" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "name_kana" character varying(400) NOT NULL, "email" character varying(254) NOT NULL, "phone" character varying(20), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_verifiers" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_verifiers_verifier_number" ON "verifiers"("verifier_number") `);
    await q.query(`CREATE TABLE "applications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(32) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'submitted', "body" jsonb NOT NULL, "summary" character varying(300) NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "submitted_by" uuid, "client_ip" character varying(64), "target_holder_id" uuid, "trading_participant_id" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" uuid, "rejection_reason" character varying(1000), CONSTRAINT "ck_applications_subject" CHECK ("kind" = 'trading_participant' OR "status" <> 'approved' OR "target_holder_id" IS NOT NULL), CONSTRAINT "ck_applications_result" CHECK ("status" <> 'approved' OR ("kind" = 'trading_participant') = ("trading_participant_id" IS NOT NULL)), CONSTRAINT "ck_applications_reason" CHECK (("status" = 'rejected') = ("rejection_reason" IS NOT NULL)), CONSTRAINT "ck_applications_decision" CHECK (("status" = 'submitted') = ("decided_at" IS NULL)), CONSTRAINT "ck_applications_status" CHECK ("status" IN ('submitted','approved','rejected')), CONSTRAINT "ck_applications_kind" CHECK ("kind" IN ('registration','trading_participant','contact_change')), CONSTRAINT "pk_applications" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_applications_target_holder" ON "applications"("target_holder_id") `);
    await q.query(`CREATE INDEX "ix_applications_kind_status_submitted" ON "applications"("kind", "status", "submitted_at") `);
    await q.query(`CREATE TABLE "verifier_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "target_holder_id" uuid NOT NULL, "verifier_id" uuid NOT NULL, "assigned_by" uuid NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_verifier_assignments_period" CHECK ("ended_at" IS NULL OR "ended_at" >= "assigned_at"), CONSTRAINT "pk_verifier_assignments" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_verifier_assignments_verifier" ON "verifier_assignments"("verifier_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_verifier_assignments_current" ON "verifier_assignments"("target_holder_id") WHERE "ended_at" IS NULL`);
    await q.query(`CREATE TABLE "accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_number" character varying(16) NOT NULL, "type" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "target_holder_id" uuid, "trading_participant_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_accounts_owner" CHECK (("type" = 'compliance') = ("target_holder_id" IS NOT NULL) AND ("type" = 'holding') = ("trading_participant_id" IS NOT NULL)), CONSTRAINT "ck_accounts_number_format" CHECK ("account_number" ~ '^AST-[0-9]+$'), CONSTRAINT "ck_accounts_status" CHECK ("status" IN ('open','blocked','closed')), CONSTRAINT "ck_accounts_type" CHECK ("type" IN ('issuance','compliance','holding','retirement','cancellation','offset')), CONSTRAINT "pk_accounts" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_accounts_trading_participant" ON "accounts"("trading_participant_id") WHERE "trading_participant_id" IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_accounts_target_holder" ON "accounts"("target_holder_id") WHERE "target_holder_id" IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_accounts_account_number" ON "accounts"("account_number") `);
    await q.query(`CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event" character varying(64) NOT NULL, "recipients" text array NOT NULL, "subject" character varying(300) NOT NULL, "body" text NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "subject_type" character varying(32), "subject_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_notifications_recipients" CHECK (cardinality("recipients") > 0), CONSTRAINT "ck_notifications_status" CHECK ("status" IN ('pending','sent','failed','not_sent')), CONSTRAINT "pk_notifications" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_notifications_created_at" ON "notifications"("created_at") `);
    await q.query(`ALTER TABLE "logins" ADD "target_holder_id" uuid`);
    await q.query(`ALTER TABLE "logins" ADD "verifier_id" uuid`);
    await q.query(`ALTER TABLE "logins" ADD "trading_participant_id" uuid`);
    await q.query(`CREATE INDEX "ix_logins_verifier" ON "logins"("verifier_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_logins_trading_participant" ON "logins"("trading_participant_id") WHERE "trading_participant_id" IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_logins_holder_role" ON "logins"("target_holder_id", "role") WHERE "target_holder_id" IS NOT NULL`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_trading_participant" CHECK (("role" = 'trading_participant') = ("trading_participant_id" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_verifier" CHECK (("role" = 'verifier') = ("verifier_id" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_holder" CHECK (("role" IN ('holder_a','holder_b')) = ("target_holder_id" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_verifier" FOREIGN KEY ("verifier_id") REFERENCES "verifiers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_trading_participant" FOREIGN KEY ("trading_participant_id") REFERENCES "trading_participants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "applications" ADD CONSTRAINT "fk_applications_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "applications" ADD CONSTRAINT "fk_applications_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "applications" ADD CONSTRAINT "fk_applications_trading_participant" FOREIGN KEY ("trading_participant_id") REFERENCES "trading_participants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "applications" ADD CONSTRAINT "fk_applications_decided_by" FOREIGN KEY ("decided_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "verifier_assignments" ADD CONSTRAINT "fk_verifier_assignments_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "verifier_assignments" ADD CONSTRAINT "fk_verifier_assignments_verifier" FOREIGN KEY ("verifier_id") REFERENCES "verifiers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "verifier_assignments" ADD CONSTRAINT "fk_verifier_assignments_assigned_by" FOREIGN KEY ("assigned_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "fk_accounts_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "fk_accounts_trading_participant" FOREIGN KEY ("trading_participant_id") REFERENCES "trading_participants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "fk_accounts_trading_participant"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "fk_accounts_target_holder"`);
    await q.query(`ALTER TABLE "verifier_assignments" DROP CONSTRAINT "fk_verifier_assignments_assigned_by"`);
    await q.query(`ALTER TABLE "verifier_assignments" DROP CONSTRAINT "fk_verifier_assignments_verifier"`);
    await q.query(`ALTER TABLE "verifier_assignments" DROP CONSTRAINT "fk_verifier_assignments_target_holder"`);
    await q.query(`ALTER TABLE "applications" DROP CONSTRAINT "fk_applications_decided_by"`);
    await q.query(`ALTER TABLE "applications" DROP CONSTRAINT "fk_applications_trading_participant"`);
    await q.query(`ALTER TABLE "applications" DROP CONSTRAINT "fk_applications_target_holder"`);
    await q.query(`ALTER TABLE "applications" DROP CONSTRAINT "fk_applications_submitted_by"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_trading_participant"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_verifier"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_target_holder"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_holder"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_verifier"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_trading_participant"`);
    await q.query(`DROP INDEX "public"."uq_logins_holder_role"`);
    await q.query(`DROP INDEX "public"."uq_logins_trading_participant"`);
    await q.query(`DROP INDEX "public"."ix_logins_verifier"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "trading_participant_id"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "verifier_id"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "target_holder_id"`);
    await q.query(`DROP INDEX "public"."ix_notifications_created_at"`);
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP INDEX "public"."uq_accounts_account_number"`);
    await q.query(`DROP INDEX "public"."uq_accounts_target_holder"`);
    await q.query(`DROP INDEX "public"."uq_accounts_trading_participant"`);
    await q.query(`DROP TABLE "accounts"`);
    await q.query(`DROP INDEX "public"."uq_verifier_assignments_current"`);
    await q.query(`DROP INDEX "public"."ix_verifier_assignments_verifier"`);
    await q.query(`DROP TABLE "verifier_assignments"`);
    await q.query(`DROP INDEX "public"."ix_applications_kind_status_submitted"`);
    await q.query(`DROP INDEX "public"."ix_applications_target_holder"`);
    await q.query(`DROP TABLE "applications"`);
    await q.query(`DROP INDEX "public"."uq_verifiers_verifier_number"`);
    await q.query(`DROP TABLE "verifiers"`);
    await q.query(`DROP INDEX "public"."uq_trading_participants_number"`);
    await q.query(`DROP TABLE "trading_participants"`);
    await q.query(`DROP INDEX "public"."uq_target_holders_holder_number"`);
    await q.query(`DROP TABLE "target_holders"`);
    await q.query(`DROP SEQUENCE account_number_seq`);
    await q.query(`DROP SEQUENCE participant_number_seq`);
    await q.query(`DROP SEQUENCE verifier_number_seq`);
    await q.query(`DROP SEQUENCE holder_number_seq`);
  }
}
