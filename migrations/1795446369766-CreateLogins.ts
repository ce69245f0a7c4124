import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Logins, the record of login attempts, and the shared append-only guard. */
export class CreateLogins1795446369766 implements MigrationInterface {
  name = 'CreateLogins1795446369766';

  async up(q: QueryRunner): Promise<void> {
    // Shared guard for append-only tables (journals, audit): any UPDATE/DELETE/TRUNCATE raises.
    await q.query(`
      CREATE FUNCTION forbid_modification() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);

    await q.query(`CREATE TABLE "logins" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "login_id" character varying(64) NOT NULL, "role" character varying(32) NOT NULL, "display_name" character varying(200) NOT NULL, "password_hash" text NOT NULL, "must_change_password" boolean NOT NULL DEFAULT true, "token_version" integer NOT NULL DEFAULT '0', "failed_attempts" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "is_bootstrap" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL DEFAULT 'active', "password_changed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_logins_failed_attempts" CHECK ("failed_attempts" >= 0), CONSTRAINT "ck_logins_status" CHECK ("status" IN ('active','disabled')), CONSTRAINT "ck_logins_role" CHECK ("role" IN ('secretariat','holder_a','holder_b','verifier','trading_participant','prtr_filer','prtr_local_gov','prtr_ministry')), CONSTRAINT "pk_logins" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_logins_login_id" ON "logins" ("login_id")`);
    await q.query(`CREATE TABLE "login_attempts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "attempted_login_id" character varying(128) NOT NULL, "login_uuid" uuid, "outcome" character varying(32) NOT NULL, "client_ip" character varying(64), "user_agent" character varying(512), "request_id" character varying(64), "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_login_attempts_outcome" CHECK ("outcome" IN ('success','invalid_credentials','locked','disabled')), CONSTRAINT "pk_login_attempts" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_login_attempts_login_id_at" ON "login_attempts" ("attempted_login_id", "attempted_at")`);
    await q.query(`ALTER TABLE "login_attempts" ADD CONSTRAINT "fk_login_attempts_login" FOREIGN KEY ("login_uuid") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`CREATE TRIGGER login_attempts_append_only BEFORE UPDATE OR DELETE ON "login_attempts" FOR EACH ROW EXECUTE FUNCTION forbid_modification()`);
    await q.query(`CREATE TRIGGER login_attempts_no_truncate BEFORE TRUNCATE ON "login_attempts" FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "login_attempts"`);
    await q.query(`DROP TABLE "logins"`);
    await q.query(`DROP FUNCTION forbid_modification()`);
  }
}
