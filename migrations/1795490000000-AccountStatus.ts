import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account status (open / blocked / closed) as the secretariat sets it, guarded by the database too:
 * a closed account is empty, the system accounts stay open, and a closed account stays closed.
 */
export class AccountStatus1795490000000 implements MigrationInterface {
  name = 'AccountStatus1795490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_closed_empty" CHECK ("status" <> 'closed' OR "balance" = 0)`);
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "ck_accounts_system_open" CHECK ("type" IN ('compliance','holding') OR "status" = 'open')`);
    await q.query(`
      CREATE FUNCTION ledger_guard_account_closed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'account % is closed: a closed account stays closed', OLD.account_number USING ERRCODE = 'restrict_violation';
      END $$`);
    // fires only when an UPDATE names the status of a closed account (never for postings)
    await q.query(`
      CREATE TRIGGER accounts_closed_final BEFORE UPDATE OF status ON accounts FOR EACH ROW
        WHEN (OLD.status = 'closed' AND NEW.status IS DISTINCT FROM 'closed') EXECUTE FUNCTION ledger_guard_account_closed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER accounts_closed_final ON accounts`);
    await q.query(`DROP FUNCTION ledger_guard_account_closed()`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_system_open"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "ck_accounts_closed_empty"`);
  }
}
