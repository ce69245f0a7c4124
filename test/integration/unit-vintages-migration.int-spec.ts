import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS } from '../../migrations';
import { UnitVintages1795500000000 } from '../../migrations/1795500000000-UnitVintages';
import { dataSourceOptions } from '../../src/core/database/data-source-options';
import { verifyLedger } from '../../src/modules/ledger/verify';
import { balanceOf, heldRanges, ledgerFor, seedHolder, seedParticipant, seedSecretariat } from '../factories/ledger';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The migration to vintages on a registry that already has books: balances become banked units of
 * the LEGACY vintage, phases become vintages, each holder's terms move to its phase, the journal's
 * phase names become vintage codes — and the books still verify.
 */
describe('migrating existing books to vintages (1795500000000-UnitVintages)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps every balance, turns it into serial blocks and the phase terms into per-vintage terms', async () => {
    const before = ALL_MIGRATIONS.slice(0, ALL_MIGRATIONS.indexOf(UnitVintages1795500000000));
    const old = new DataSource({ ...dataSourceOptions({ url: db.url, poolSize: 2 }), migrations: before, entities: [] });
    await old.initialize();
    await old.runMigrations({ transaction: 'each' });
    // books as the previous version kept them: terms on the account, ledger_post() v2
    const sec = await seedSecretariat(old);
    const h = await seedHolder(old);
    const p = await seedParticipant(old);
    const [{ id: phaseId }] = await old.query(
      `INSERT INTO phases (name, adopted_fiscal_year, base_fiscal_year, target_fiscal_year, adjustment_fiscal_year, retirement_deadline)
       VALUES ('第2期', 2013, 2013, 2014, 2015, '2015-11-30') RETURNING id`,
    );
    await old.query(
      `INSERT INTO phase_participants (phase_id, target_holder_id, reduction_target, base_year_emissions, target_year_emissions) VALUES ($1, $2, 800, 2000.4, 1000.2)`,
      [phaseId, h.holderId],
    );
    await old.transaction(async (m) => {
      await m.query(`SELECT set_config('ledger.posting', 'on', true)`);
      await m.query(`UPDATE accounts SET phase = '第2期', base_year_emissions = 2000.4, reduction_target = 800 WHERE account_number = $1`, [h.account]);
    });
    const post = async (...args: unknown[]) => {
      const [{ r }] = await old.query(`SELECT ledger_post($1, $2, $3, $4::numeric, $5, $6, $7, $8, NULL, NULL, $9, NULL) AS r`, args);
      expect(r.ok).toBe(true);
      return r;
    };
    await post('issuance', null, h.account, null, sec.id, null, null, true, '第2期');
    await post('transfer', h.account, p.account, '300', h.a.id, h.holderId, null, false, null);
    await post('transfer', h.account, 'AST-2', '450', h.a.id, h.holderId, null, false, null);
    await old.query(
      `INSERT INTO banking_applications (phase_id, target_holder_id, quantity, submitted_by) VALUES ($1, $2, 10, $3)`,
      [phaseId, h.holderId, h.a.id],
    );
    await old.destroy();

    await db.dataSource.runMigrations({ transaction: 'each' });
    const q = db.dataSource;
    expect((await verifyLedger(q)).problems).toEqual([]);
    expect([await balanceOf(q, h.account), await balanceOf(q, p.account), await balanceOf(q, 'AST-2')]).toEqual(['450', '300', '450']);
    const held = await heldRanges(q, [h.account, p.account]);
    expect(Object.values(held).flat().every((r) => r.startsWith('LEGACY:') && r.endsWith('*'))).toBe(true);
    expect(await q.query(`SELECT code, rank FROM ledger_vintages ORDER BY rank`)).toEqual([
      { code: 'LEGACY', rank: -2147483648 },
      { code: 'P2013', rank: 2013 },
    ]);
    expect(await q.query(`SELECT code FROM phases WHERE id = $1`, [phaseId])).toEqual([{ code: 'P2013' }]);
    const [terms] = await q.query(
      `SELECT t.reduction_target::text AS target, t.issuable::text, t.obligation::text, t.issued::text, t.retired::text
         FROM ledger_account_vintages t JOIN accounts a ON a.id = t.account_id JOIN ledger_vintages v ON v.id = t.vintage_id
        WHERE a.account_number = $1 AND v.code = 'P2013'`,
      [h.account],
    );
    expect(terms).toEqual({ target: '800.000', issuable: '1200', obligation: '1001', issued: '1200', retired: '450' });
    expect(await q.query(`SELECT type, phase FROM ledger_transactions WHERE phase IS NOT NULL ORDER BY created_at`)).toEqual([
      { type: 'issuance', phase: 'P2013' },
      { type: 'retirement', phase: 'P2013' },
    ]);
    expect(await q.query(`SELECT account_number FROM banking_applications`)).toEqual([{ account_number: h.account }]);

    // and the books go on: the old units (banked, the earliest vintage) move and retire toward the phase
    const ledger = ledgerFor(q, 'P2013');
    const moved = await ledger.transfer(p.login, { fromAccount: p.account, toAccount: h.account, quantity: '5' });
    expect(moved.serials).toEqual([expect.objectContaining({ vintage: 'LEGACY', banked: true })]);
    const retired = await ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity: '455', phaseId: 'P2013' });
    expect(retired.phase).toBe('P2013');
    expect(await balanceOf(q, h.account)).toBe('0');
    const [{ r }] = await q.query(`SELECT retired::text AS r FROM ledger_account_vintages t JOIN accounts a ON a.id = t.account_id WHERE a.account_number = $1`, [h.account]);
    expect(r).toBe('905');
    expect((await verifyLedger(q)).problems).toEqual([]);
  });
});
