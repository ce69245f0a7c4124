import type { ModuleRef } from '@nestjs/core';
import Decimal from 'decimal.js';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/core/auth/roles';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import type { RetirementPhases } from '../../src/modules/ledger/retirement-phases';

let n = 0;

/** Inserts a login (the FK target of initiators) and returns an actor for it. */
async function insertLogin(db: DataSource, role: Actor['role'], link: Partial<Record<'target_holder_id' | 'trading_participant_id' | 'verifier_id', string>>): Promise<Actor> {
  const loginId = `L${process.pid}x${++n}`;
  const [{ id }] = await db.query(
    `INSERT INTO logins (login_id, role, display_name, password_hash, must_change_password, target_holder_id, trading_participant_id)
     VALUES ($1, $2, $1, 'x', false, $3, $4) RETURNING id`,
    [loginId, role, link.target_holder_id ?? null, link.trading_participant_id ?? null],
  );
  return {
    id,
    loginId,
    role,
    mustChangePassword: false,
    targetHolderId: link.target_holder_id ?? null,
    verifierId: null,
    tradingParticipantId: link.trading_participant_id ?? null,
  };
}

/** A target holder with its compliance account and login A, straight into the tables. */
export async function seedHolder(db: DataSource) {
  const i = ++n;
  const [{ id }] = await db.query(
    `INSERT INTO target_holders (holder_number, representative_name, representative_name_kana, representative_person_name,
        representative_person_name_kana, contact_company, contact_department, contact_title, contact_name, contact_name_kana,
        contact_postal_code, contact_address, contact_phone, contact_email_a, disclosure_consent, facility_name,
        facility_name_kana, facility_address, facility_type, participation_form, account_name, in_tokyo_or_saitama_scheme)
     VALUES ($1, '代表', 'だいひょう', '代表者', 'だいひょうしゃ', '代表', '部', '長', '担当', 'たんとう', '100-0001', '東京',
        '03-0000-0000', 'a@example.jp', true, '施設', 'しせつ', '東京', 'factory', 'single', '口座', false) RETURNING id`,
    [`X${process.pid}${i}`],
  );
  const [{ account_number }] = await db.query(
    `INSERT INTO accounts (account_number, type, name, target_holder_id) VALUES ('AST-' || nextval('account_number_seq'), 'compliance', '遵守口座', $1) RETURNING account_number`,
    [id],
  );
  return { holderId: id as string, account: account_number as string, a: await insertLogin(db, 'holder_a', { target_holder_id: id }) };
}

/** A trading participant with its holding account and login. */
export async function seedParticipant(db: DataSource) {
  const i = ++n;
  const [{ id }] = await db.query(
    `INSERT INTO trading_participants (participant_number, name, name_kana, account_name, contact_department, contact_name,
        contact_name_kana, contact_postal_code, contact_address, contact_phone, contact_email, disclosure_consent)
     VALUES ($1, '参加者', 'さんかしゃ', '取引口座', '部', '担当', 'たんとう', '100-0001', '東京', '03-0000-0000', 'p@example.jp', true) RETURNING id`,
    [`Y${process.pid}${i}`],
  );
  const [{ account_number }] = await db.query(
    `INSERT INTO accounts (account_number, type, name, trading_participant_id) VALUES ('AST-' || nextval('account_number_seq'), 'holding', '取引口座', $1) RETURNING account_number`,
    [id],
  );
  return { participantId: id as string, account: account_number as string, login: await insertLogin(db, 'trading_participant', { trading_participant_id: id }) };
}

export function seedSecretariat(db: DataSource) {
  return insertLogin(db, 'secretariat', {});
}

export async function balanceOf(db: DataSource, account: string): Promise<string> {
  const [{ balance }] = await db.query(`SELECT balance::text AS balance FROM accounts WHERE account_number = $1`, [account]);
  return balance;
}

export async function journalCounts(db: DataSource) {
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM ledger_transactions)::int AS transactions, (SELECT count(*) FROM ledger_entries)::int AS entries,
            (SELECT count(*) FROM ledger_idempotency_keys)::int AS keys`,
  );
  return row as { transactions: number; entries: number; keys: number };
}

/** A LedgerService outside Nest: retirements count toward `phaseId` as given, else `defaultVintage`. */
export function ledgerFor(db: DataSource, defaultVintage = 'P2'): LedgerService {
  const phases: RetirementPhases = { retirementPhase: async (_holder, phaseId) => phaseId ?? defaultVintage };
  return new LedgerService(db, { get: () => phases } as unknown as ModuleRef);
}

/** A vintage (rank: its order), its reserves ending at `reserveEndsAt` (default: in a year). */
export async function seedVintage(db: DataSource, ledger: LedgerService, code: string, rank: number, reserveEndsAt = new Date(Date.now() + 365 * 86_400_000)) {
  await db.transaction((m) => ledger.createVintage(m, { code, rank, reserveEndsAt }));
}

/** The holder takes part in the vintage's phase with this reduction target and issuance fixed. */
export async function holderTerms(db: DataSource, ledger: LedgerService, holderId: string, code: string, issuable: number, reductionTarget: number) {
  await db.transaction(async (m) => {
    await ledger.openTerms(m, holderId, code, new Decimal(reductionTarget));
    await ledger.fixIssuable(m, holderId, code, new Decimal(issuable));
  });
}

/** Serial ranges held per account and vintage, adjacent ranges of one banked state merged: "P2:1-10*" (* banked). */
export async function heldRanges(db: DataSource, accounts: string[]): Promise<Record<string, string[]>> {
  const rows: { account_number: string; code: string; s: string; e: string; banked: boolean }[] = await db.query(
    `SELECT a.account_number, v.code, b.serial_start::text AS s, b.serial_end::text AS e, b.banked
       FROM unit_blocks b JOIN accounts a ON a.id = b.account_id JOIN ledger_vintages v ON v.id = b.vintage_id
      WHERE a.account_number = ANY($1) ORDER BY a.account_number, v.code, b.serial_start`,
    [accounts],
  );
  return mergeRanges(accounts, rows.map((r) => ({ account: r.account_number, vintage: r.code, from: BigInt(r.s), to: BigInt(r.e), banked: r.banked })));
}

type HeldRange = { account: string; vintage: string; from: bigint; to: bigint; banked: boolean };
export function mergeRanges(accounts: string[], ranges: HeldRange[]) {
  const out: Record<string, string[]> = Object.fromEntries(accounts.map((a) => [a, []]));
  const sorted = [...ranges].sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : x.vintage < y.vintage ? -1 : x.vintage > y.vintage ? 1 : Number(x.from - y.from)));
  const merged: HeldRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.account === r.account && last.vintage === r.vintage && last.banked === r.banked && last.to + 1n === r.from) last.to = r.to;
    else merged.push({ ...r });
  }
  for (const m of merged) out[m.account]?.push(`${m.vintage}:${m.from}-${m.to}${m.banked ? '*' : ''}`);
  return out;
}
