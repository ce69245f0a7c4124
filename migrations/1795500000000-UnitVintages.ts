import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_POST_BATCH_V2_SQL, LEDGER_POST_V2_SQL } from './sql/ledger-post-batch.v2';
import { LEDGER_BANK_UNITS_SQL, LEDGER_POST_BATCH_V3_SQL, LEDGER_POST_V3_SQL } from './sql/ledger-post-batch.v3';

/**
 * JAA by vintage and serial number (docs/domain.md §5): vintages (one per phase), unit blocks
 * held by accounts, the serial ranges each transaction moved (ledger_transactions.serials), and each compliance account's terms
 * and figures per vintage (issued, retired, issuance, obligation) instead of one set of columns on
 * the account. ledger_post_batch() v3 / ledger_post() v3 move blocks; ledger_bank_units() marks
 * units banked. Phases get a vintage code, a banking window and a close; banking applications may
 * come from trading participants too.
 *
 * Existing data: every phase gets a vintage (code P<adopted fiscal year>, rank the adopted fiscal
 * year, reserve end the end of its deadline day in Japan); each holder in a phase gets its terms
 * there (issued and retired summed from the journal); balances held before vintages existed become
 * banked units of a vintage LEGACY (earliest rank), numbered in account-number order, so they stay
 * valid in every phase; the journal's phase names become vintage codes.
 */
export class UnitVintages1795500000000 implements MigrationInterface {
  name = 'UnitVintages1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "phase_participants" DROP CONSTRAINT "ck_phase_participants_banked"`);
    await q.query(`CREATE TABLE "ledger_vintages" ("id" integer GENERATED ALWAYS AS IDENTITY NOT NULL, "code" character varying(12) NOT NULL, "rank" integer NOT NULL, "next_serial" bigint NOT NULL DEFAULT '1', "reserve_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_ledger_vintages_next_serial" CHECK ("next_serial" >= 1), CONSTRAINT "ck_ledger_vintages_code" CHECK ("code" ~ '^[A-Z0-9]{1,12}$'), CONSTRAINT "pk_ledger_vintages" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_ledger_vintages_code" ON "ledger_vintages"  ("code") `);
    await q.query(`CREATE TABLE "ledger_account_vintages" ("account_id" uuid NOT NULL, "vintage_id" integer NOT NULL, "reduction_target" numeric(20,3) NOT NULL DEFAULT '0', "issuable" numeric(20,0), "obligation" numeric(20,0), "issued" numeric(20,0) NOT NULL DEFAULT '0', "retired" numeric(20,0) NOT NULL DEFAULT '0', CONSTRAINT "ck_ledger_account_vintages_obligation" CHECK ("obligation" IS NULL OR "obligation" >= 0), CONSTRAINT "ck_ledger_account_vintages_issuable" CHECK ("issuable" IS NULL OR "issuable" >= 0), CONSTRAINT "ck_ledger_account_vintages_figures" CHECK ("issued" >= 0 AND "retired" >= 0 AND "reduction_target" >= 0), CONSTRAINT "pk_ledger_account_vintages" PRIMARY KEY ("account_id", "vintage_id"))`);
    await q.query(`CREATE TABLE "unit_blocks" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "vintage_id" integer NOT NULL, "serial_start" bigint NOT NULL, "serial_end" bigint NOT NULL, "banked" boolean NOT NULL DEFAULT false, CONSTRAINT "ck_unit_blocks_range" CHECK ("serial_start" >= 1 AND "serial_end" >= "serial_start"), CONSTRAINT "pk_unit_blocks" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_unit_blocks_account" ON "unit_blocks"  ("account_id") `);
    // postings shorten blocks in place: leave room on each page for those updates to stay HOT
    await q.query(`ALTER TABLE "unit_blocks" SET (fillfactor = 70)`);
    await q.query(`ALTER TABLE "phases" ADD "code" character varying(12)`);
    await q.query(`ALTER TABLE "phases" ADD "banking_window_days" integer NOT NULL DEFAULT '30'`);
    await q.query(`ALTER TABLE "phases" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "banking_applications" ADD "trading_participant_id" uuid`);
    await q.query(`ALTER TABLE "banking_applications" ADD "account_number" character varying(16)`);
    await q.query(`ALTER TABLE "banking_applications" ADD "serials" jsonb`);
    await q.query(`ALTER TABLE "phase_participants" ADD "final_status" character varying(16)`);
    await q.query(`ALTER TABLE "phase_participants" ADD "final_shortfall" numeric(20,0)`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_target_holder"`);
    await q.query(`DROP INDEX "public"."ix_banking_applications_holder"`);
    await q.query(`ALTER TABLE "banking_applications" ALTER COLUMN "target_holder_id" DROP NOT NULL`);
    await q.query(`CREATE INDEX "ix_banking_applications_phase" ON "banking_applications"  ("phase_id", "status") `);
    await q.query(`CREATE INDEX "ix_banking_applications_holder" ON "banking_applications"  ("target_holder_id", "submitted_at") `);
    await q.query(`CREATE INDEX "ix_ledger_transactions_retirement_phase" ON "ledger_transactions"  ("from_account_id", "phase", "created_at") WHERE "type" = 'retirement'`);
    await q.query(`ALTER TABLE "phases" ADD CONSTRAINT "ck_phases_banking_window" CHECK ("banking_window_days" BETWEEN 0 AND 366)`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "ck_banking_applications_owner" CHECK (("target_holder_id" IS NULL) <> ("trading_participant_id" IS NULL))`);
    await q.query(`ALTER TABLE "phase_participants" ADD CONSTRAINT "ck_phase_participants_final_status" CHECK ("final_status" IS NULL OR "final_status" IN ('met','not_met'))`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_trading_participant" FOREIGN KEY ("trading_participant_id") REFERENCES "trading_participants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_account_vintages" ADD CONSTRAINT "fk_ledger_account_vintages_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_account_vintages" ADD CONSTRAINT "fk_ledger_account_vintages_vintage" FOREIGN KEY ("vintage_id") REFERENCES "ledger_vintages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "unit_blocks" ADD CONSTRAINT "fk_unit_blocks_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP CONSTRAINT "ck_ledger_transactions_type"`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ck_ledger_transactions_type" CHECK ("type" IN ('issuance','transfer','retirement','cancellation','offset','correction','expiry'))`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD "serials" jsonb`);

    // ---- existing data ----
    await q.query(`
      UPDATE phases p SET code = 'P' || x.adopted_fiscal_year || CASE WHEN x.n > 1 THEN 'N' || x.n ELSE '' END
        FROM (SELECT id, adopted_fiscal_year, row_number() OVER (PARTITION BY adopted_fiscal_year ORDER BY created_at, id) AS n FROM phases) x
       WHERE x.id = p.id`);
    await q.query(`ALTER TABLE "phases" ALTER COLUMN "code" SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_phases_code" ON "phases"  ("code") `);
    await q.query(`ALTER TABLE "phases" ADD CONSTRAINT "ck_phases_code" CHECK ("code" ~ '^[A-Z0-9]{1,12}$')`);
    await q.query(`
      INSERT INTO ledger_vintages (code, rank, reserve_ends_at)
      SELECT code, adopted_fiscal_year, (retirement_deadline::timestamp + interval '1 day' - interval '1 millisecond') AT TIME ZONE 'Asia/Tokyo'
        FROM phases ORDER BY adopted_fiscal_year, created_at, id`);
    await q.query(`
      INSERT INTO ledger_account_vintages (account_id, vintage_id, reduction_target, issuable, obligation, issued, retired)
      SELECT a.id, v.id, pp.reduction_target,
             CASE WHEN pp.base_year_emissions IS NOT NULL THEN greatest(0, floor(pp.base_year_emissions - pp.reduction_target)) END,
             CASE WHEN pp.target_year_emissions IS NOT NULL THEN ceil(pp.target_year_emissions) END,
             coalesce((SELECT sum(t.quantity) FROM ledger_transactions t WHERE t.type = 'issuance' AND t.to_account_id = a.id AND t.phase = ph.name), 0),
             coalesce((SELECT sum(t.quantity) FROM ledger_transactions t WHERE t.type = 'retirement' AND t.from_account_id = a.id AND t.phase = ph.name), 0)
        FROM phase_participants pp
        JOIN phases ph ON ph.id = pp.phase_id
        JOIN ledger_vintages v ON v.code = ph.code
        JOIN accounts a ON a.target_holder_id = pp.target_holder_id AND a.type = 'compliance'`);
    await q.query(`ALTER TABLE ledger_transactions DISABLE TRIGGER ledger_transactions_append_only`);
    await q.query(`UPDATE ledger_transactions t SET phase = p.code FROM phases p WHERE t.phase = p.name`);
    await q.query(`ALTER TABLE ledger_transactions ENABLE TRIGGER ledger_transactions_append_only`);
    await q.query(`
      DO $$
      DECLARE v_total numeric; v_vintage int;
      BEGIN
        SELECT coalesce(sum(balance), 0) INTO v_total FROM accounts WHERE type <> 'issuance' AND balance > 0;
        IF v_total > 0 THEN
          INSERT INTO ledger_vintages (code, rank, next_serial, reserve_ends_at) VALUES ('LEGACY', -2147483648, v_total + 1, now())
          RETURNING id INTO v_vintage;
          INSERT INTO unit_blocks (account_id, vintage_id, serial_start, serial_end, banked)
          SELECT id, v_vintage, s - balance + 1, s, true
            FROM (SELECT id, balance, sum(balance) OVER (ORDER BY length(account_number), account_number) AS s
                    FROM accounts WHERE type <> 'issuance' AND balance > 0) x;
        END IF;
      END $$`);

    // Balances and chain heads change only inside the ledger functions (issued / retired moved
    // to ledger_account_vintages, guarded below).
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_guard_account_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.balance, NEW.entry_count, NEW.last_hash) IS DISTINCT FROM (OLD.balance, OLD.entry_count, OLD.last_hash)
           AND coalesce(current_setting('ledger.posting', true), '') <> 'on' THEN
          RAISE EXCEPTION 'account balances change only through ledger_post()' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_commitment_reserve"`);
    await q.query(`ALTER TABLE "phase_participants" DROP COLUMN "banked"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "base_year_emissions"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "reduction_target"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "issued"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "retired"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "phase"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT IF EXISTS "ck_accounts_whole_units"`); // (dropped with "issued")
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_whole_units" CHECK ("balance" = trunc("balance"))`);
    await q.query(`UPDATE banking_applications b SET account_number = a.account_number FROM accounts a WHERE a.target_holder_id = b.target_holder_id AND a.type = 'compliance'`);
    await q.query(`ALTER TABLE "banking_applications" ALTER COLUMN "account_number" SET NOT NULL`);

    // ---- guards ----
    // Blocks change only inside the ledger functions (one check per statement).
    await q.query(`
      CREATE FUNCTION ledger_guard_posting_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('ledger.posting', true), '') <> 'on' THEN
          RAISE EXCEPTION '% changes only through the ledger functions', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW; -- (NULL for the statement-level trigger on unit_blocks; the row itself for the others)
      END $$`);
    await q.query(`CREATE TRIGGER unit_blocks_posting_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_blocks FOR EACH STATEMENT EXECUTE FUNCTION ledger_guard_posting_only()`);
    // Issued and retired per vintage, and the serials created, change only inside the ledger functions.
    await q.query(`
      CREATE TRIGGER ledger_account_vintages_figures BEFORE UPDATE ON ledger_account_vintages FOR EACH ROW
        WHEN ((NEW.issued, NEW.retired) IS DISTINCT FROM (OLD.issued, OLD.retired)) EXECUTE FUNCTION ledger_guard_posting_only()`);
    await q.query(`
      CREATE TRIGGER ledger_vintages_serials BEFORE UPDATE ON ledger_vintages FOR EACH ROW
        WHEN (NEW.next_serial IS DISTINCT FROM OLD.next_serial) EXECUTE FUNCTION ledger_guard_posting_only()`);
    await q.query(`CREATE TRIGGER ledger_vintages_no_delete BEFORE DELETE OR TRUNCATE ON ledger_vintages FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`);

    // ---- the ledger functions ----
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text)`);
    await q.query(LEDGER_POST_BATCH_V3_SQL);
    await q.query(LEDGER_POST_V3_SQL);
    await q.query(LEDGER_BANK_UNITS_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_bank_units(text, text, numeric)`);
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text, text)`);
    await q.query(`DROP FUNCTION ledger_post_batch(jsonb)`);
    await q.query(LEDGER_POST_BATCH_V2_SQL);
    await q.query(LEDGER_POST_V2_SQL);
    await q.query(`DROP TRIGGER ledger_vintages_no_delete ON ledger_vintages`);
    await q.query(`DROP TRIGGER ledger_vintages_serials ON ledger_vintages`);
    await q.query(`DROP TRIGGER ledger_account_vintages_figures ON ledger_account_vintages`);
    await q.query(`DROP TRIGGER unit_blocks_posting_only ON unit_blocks`);
    await q.query(`DROP FUNCTION ledger_guard_posting_only()`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP CONSTRAINT "ck_ledger_transactions_type"`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ck_ledger_transactions_type" CHECK ("type" IN ('issuance','transfer','retirement','cancellation','offset','correction'))`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP COLUMN "serials"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_whole_units"`);
    await q.query(`ALTER TABLE "unit_blocks" DROP CONSTRAINT "fk_unit_blocks_account"`);
    await q.query(`ALTER TABLE "ledger_account_vintages" DROP CONSTRAINT "fk_ledger_account_vintages_vintage"`);
    await q.query(`ALTER TABLE "ledger_account_vintages" DROP CONSTRAINT "fk_ledger_account_vintages_account"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_trading_participant"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "fk_banking_applications_target_holder"`);
    await q.query(`ALTER TABLE "phase_participants" DROP CONSTRAINT "ck_phase_participants_final_status"`);
    await q.query(`ALTER TABLE "banking_applications" DROP CONSTRAINT "ck_banking_applications_owner"`);
    await q.query(`ALTER TABLE "phases" DROP CONSTRAINT "ck_phases_code"`);
    await q.query(`ALTER TABLE "phases" DROP CONSTRAINT "ck_phases_banking_window"`);
    await q.query(`DROP INDEX "public"."ix_ledger_transactions_retirement_phase"`);
    await q.query(`DROP INDEX "public"."ix_banking_applications_holder"`);
    await q.query(`DROP INDEX "public"."ix_banking_applications_phase"`);
    await q.query(`DROP INDEX "public"."uq_phases_code"`);
    await q.query(`ALTER TABLE "banking_applications" ALTER COLUMN "target_holder_id" SET NOT NULL`);
    await q.query(`CREATE INDEX "ix_banking_applications_holder" ON "banking_applications" USING btree ("target_holder_id", "submitted_at") `);
    await q.query(`ALTER TABLE "banking_applications" ADD CONSTRAINT "fk_banking_applications_target_holder" FOREIGN KEY ("target_holder_id") REFERENCES "target_holders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "phase_participants" DROP COLUMN "final_shortfall"`);
    await q.query(`ALTER TABLE "phase_participants" DROP COLUMN "final_status"`);
    await q.query(`ALTER TABLE "banking_applications" DROP COLUMN "serials"`);
    await q.query(`ALTER TABLE "banking_applications" DROP COLUMN "account_number"`);
    await q.query(`ALTER TABLE "banking_applications" DROP COLUMN "trading_participant_id"`);
    await q.query(`ALTER TABLE "phases" DROP COLUMN "closed_at"`);
    await q.query(`ALTER TABLE "phases" DROP COLUMN "banking_window_days"`);
    await q.query(`ALTER TABLE "phases" DROP COLUMN "code"`);
    await q.query(`ALTER TABLE "accounts" ADD "phase" character varying(32)`);
    await q.query(`ALTER TABLE "accounts" ADD "retired" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "issued" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "reduction_target" numeric(20,3) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "base_year_emissions" numeric(20,3)`);
    await q.query(`ALTER TABLE "phase_participants" ADD "banked" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`DROP INDEX "public"."ix_unit_blocks_account"`);
    await q.query(`DROP TABLE "unit_blocks"`);
    await q.query(`DROP TABLE "ledger_account_vintages"`);
    await q.query(`DROP INDEX "public"."uq_ledger_vintages_code"`);
    await q.query(`DROP TABLE "ledger_vintages"`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_commitment_reserve" CHECK ((((type)::text <> 'compliance'::text) OR (balance >= GREATEST((0)::numeric, ((issued - reduction_target) - retired)))))`);
    await q.query(`ALTER TABLE "phase_participants" ADD CONSTRAINT "ck_phase_participants_banked" CHECK (((banked >= (0)::numeric) AND (banked = trunc(banked))))`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_whole_units" CHECK ("balance" = trunc("balance") AND "issued" >= 0 AND "retired" >= 0)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_guard_account_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.balance, NEW.entry_count, NEW.last_hash, NEW.issued, NEW.retired)
             IS DISTINCT FROM (OLD.balance, OLD.entry_count, OLD.last_hash, OLD.issued, OLD.retired)
           AND coalesce(current_setting('ledger.posting', true), '') <> 'on' THEN
          RAISE EXCEPTION 'account balances change only through ledger_post()' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }
}
