import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_POST_SQL } from './sql/ledger-post.v1';

/**
 * The allowance ledger: balances and reserve terms on accounts, append-only transactions and
 * hash-chained entries, idempotency records, the system accounts, and ledger_post() — the one
 * function through which JAA move.
 */
export class CreateLedger1795447708438 implements MigrationInterface {
  name = 'CreateLedger1795447708438';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ledger_idempotency_keys" ("initiator_id" uuid NOT NULL, "idempotency_key" character varying(128) NOT NULL, "request_hash" character varying(64) NOT NULL, "result" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_ledger_idempotency_keys" PRIMARY KEY ("initiator_id", "idempotency_key"))`);
    await q.query(`CREATE TABLE "ledger_transactions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'completed', "from_account_id" uuid NOT NULL, "to_account_id" uuid NOT NULL, "quantity" numeric(20,0) NOT NULL, "initiator_id" uuid NOT NULL, "idempotency_key" character varying(128), "phase" character varying(32), "reason" character varying(1000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_ledger_transactions_reason" CHECK ("type" <> 'correction' OR "reason" IS NOT NULL), CONSTRAINT "ck_ledger_transactions_accounts" CHECK ("from_account_id" <> "to_account_id"), CONSTRAINT "ck_ledger_transactions_quantity" CHECK ("quantity" > 0 AND "quantity" = trunc("quantity")), CONSTRAINT "ck_ledger_transactions_type" CHECK ("type" IN ('issuance','transfer','retirement','cancellation','offset','correction')), CONSTRAINT "pk_ledger_transactions" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_ledger_transactions_issuance_phase" ON "ledger_transactions" ("to_account_id", "phase") WHERE "type" = 'issuance'`);
    await q.query(`CREATE UNIQUE INDEX "uq_ledger_transactions_idempotency" ON "ledger_transactions" ("initiator_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`);
    await q.query(`CREATE TABLE "ledger_entries" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "transaction_id" uuid NOT NULL, "account_id" uuid NOT NULL, "seq" bigint NOT NULL, "amount" numeric(20,0) NOT NULL, "balance_after" numeric(20,0) NOT NULL, "prev_hash" character varying(64), "hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_ledger_entries_seq" CHECK ("seq" >= 1), CONSTRAINT "ck_ledger_entries_amount" CHECK ("amount" <> 0 AND "amount" = trunc("amount")), CONSTRAINT "pk_ledger_entries" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_ledger_entries_transaction" ON "ledger_entries" ("transaction_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_ledger_entries_account_seq" ON "ledger_entries" ("account_id", "seq") `);
    await q.query(`ALTER TABLE "accounts" ADD "balance" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "entry_count" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "last_hash" character varying(64)`);
    await q.query(`ALTER TABLE "accounts" ADD "phase" character varying(32)`);
    await q.query(`ALTER TABLE "accounts" ADD "base_year_emissions" numeric(20,3)`);
    await q.query(`ALTER TABLE "accounts" ADD "reduction_target" numeric(20,3) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "issued" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD "retired" numeric(20,0) NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_whole_units" CHECK ("balance" = trunc("balance") AND "issued" >= 0 AND "retired" >= 0)`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_commitment_reserve" CHECK ("type" <> 'compliance' OR "balance" >= GREATEST(0, "issued" - "reduction_target" - "retired"))`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_balance_non_negative" CHECK ("type" = 'issuance' OR "balance" >= 0)`);
    await q.query(`ALTER TABLE "ledger_idempotency_keys" ADD CONSTRAINT "fk_ledger_idempotency_keys_initiator" FOREIGN KEY ("initiator_id") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD CONSTRAINT "fk_ledger_transactions_from" FOREIGN KEY ("from_account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD CONSTRAINT "fk_ledger_transactions_to" FOREIGN KEY ("to_account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_transactions" ADD CONSTRAINT "fk_ledger_transactions_initiator" FOREIGN KEY ("initiator_id") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "fk_ledger_entries_transaction" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "fk_ledger_entries_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);

    // Journal: append-only.
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION forbid_modification()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`);
    }

    // Every transaction's entries sum to zero (two legs), checked at commit: once per transaction
    // 
    await q.query(`
      CREATE FUNCTION ledger_check_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v_id uuid := NEW.id; v_sum numeric; v_count int;
      BEGIN
        SELECT coalesce(sum(amount), 0), count(*) INTO v_sum, v_count FROM ledger_entries WHERE transaction_id = v_id;
        IF v_sum <> 0 OR v_count <> 2 THEN
          RAISE EXCEPTION 'ledger transaction % is unbalanced (sum %, % entries)', v_id, v_sum, v_count
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_balanced()`);
    // An entry added later to an older transaction is caught by ledger:verify (and the journal's
    // append-only triggers forbid changing the existing ones).

    // Balances and chain heads change only inside ledger_post(), never by hand.
    await q.query(`
      CREATE FUNCTION ledger_guard_account_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.balance, NEW.entry_count, NEW.last_hash, NEW.issued, NEW.retired)
             IS DISTINCT FROM (OLD.balance, OLD.entry_count, OLD.last_hash, OLD.issued, OLD.retired)
           AND coalesce(current_setting('ledger.posting', true), '') <> 'on' THEN
          RAISE EXCEPTION 'account balances change only through ledger_post()' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER accounts_balance_guard BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION ledger_guard_account_balance()`);
    await q.query(`CREATE TRIGGER accounts_no_delete BEFORE DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`);

    // System accounts (numbers as in the ASSET manuals; issuance is the source of all JAA).
    await q.query(`INSERT INTO accounts (account_number, type, name) VALUES
      ('AST-1', 'issuance', '発行口座 (Issuance account)'),
      ('AST-2', 'retirement', '償却口座 (Retirement account)'),
      ('AST-101', 'cancellation', '取消口座 (Cancellation account)'),
      ('AST-201', 'offset', 'オフセット口座 (Offset account)')`);

    await q.query(LEDGER_POST_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_post(text, text, text, numeric, uuid, uuid, uuid, boolean, text, text, text, text)`);
    await q.query(`DROP TRIGGER accounts_no_delete ON accounts`);
    await q.query(`DROP TRIGGER accounts_balance_guard ON accounts`);
    await q.query(`DROP FUNCTION ledger_guard_account_balance()`);
    await q.query(`DELETE FROM accounts WHERE account_number IN ('AST-1', 'AST-2', 'AST-101', 'AST-201')`);
    await q.query(`DROP TRIGGER ledger_transactions_balanced ON ledger_transactions`);
    await q.query(`DROP FUNCTION ledger_check_transaction_balanced()`);
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_account"`);
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_transaction"`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP CONSTRAINT "fk_ledger_transactions_initiator"`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP CONSTRAINT "fk_ledger_transactions_to"`);
    await q.query(`ALTER TABLE "ledger_transactions" DROP CONSTRAINT "fk_ledger_transactions_from"`);
    await q.query(`ALTER TABLE "ledger_idempotency_keys" DROP CONSTRAINT "fk_ledger_idempotency_keys_initiator"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_balance_non_negative"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_commitment_reserve"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_whole_units"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "retired"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "issued"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "reduction_target"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "base_year_emissions"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "phase"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "last_hash"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "entry_count"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "balance"`);
    await q.query(`DROP INDEX "public"."uq_ledger_entries_account_seq"`);
    await q.query(`DROP INDEX "public"."ix_ledger_entries_transaction"`);
    await q.query(`DROP TABLE "ledger_entries"`);
    await q.query(`DROP INDEX "public"."uq_ledger_transactions_idempotency"`);
    await q.query(`DROP INDEX "public"."uq_ledger_transactions_issuance_phase"`);
    await q.query(`DROP TABLE "ledger_transactions"`);
    await q.query(`DROP TABLE "ledger_idempotency_keys"`);
  }
}
