import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { Batcher } from '../../core/database/batcher';
import { jsonParam } from '../../core/database/json-param';
import { mayHaveCommitted, sqlState } from '../../core/errors/database-errors';
import { requestContext } from '../../core/logging/request-context';
import { decodeBigintCursor, decodeCursor, encodeCursor, type Page, type PageQuery } from '../../core/http/pagination';
import type { AccountStatusDto, AccountView, CorrectionDto, PostingResult, SerialRange, TransferDto, VintageHolding } from './dto/ledger.dto';
import { Account } from './entities/account.entity';
import { AccountVintage } from './entities/account-vintage.entity';
import { Vintage } from './entities/vintage.entity';
import { ModuleRef } from '@nestjs/core';
import { RETIREMENT_PHASES, type RetirementPhases } from './retirement-phases';
import './ledger-errors';

export interface OpenAccountRequest {
  type: 'compliance' | 'holding';
  name: string;
  targetHolderId?: string;
  tradingParticipantId?: string;
}

export interface AccountSummary {
  id: string;
  accountNumber: string;
  type: Account['type'];
  name: string;
  status: Account['status'];
  targetHolderId: string | null;
  tradingParticipantId: string | null;
}

export interface HistoryItem {
  transactionId: string;
  type: string;
  seq: string;
  amount: string;
  balanceAfter: string;
  counterpartyAccount: string;
  /** The vintage code a retirement counted toward, an issuance issued, an expiry expired. */
  phase: string | null;
  /** The serial ranges moved, e.g. JAA-P2013-000000001–000001212. */
  serials: SerialRange[];
  createdAt: string;
}

/** A compliance account's figures in one vintage, for the compliance module. */
export interface VintageFigures {
  accountNumber: string;
  reductionTarget: Decimal;
  issuable: Decimal | null;
  obligation: Decimal | null;
  issued: Decimal;
  retired: Decimal;
  /** Retired toward the vintage up to and including `until` (the deadline's end), from the journal. */
  retiredOnTime: Decimal;
  /** Units of the vintage held, and of those banked. */
  holding: Decimal;
  banked: Decimal;
}

type PostKind = 'transfer' | 'issuance' | 'correction' | 'expiry';
interface PostRequest {
  kind: PostKind;
  from: string | null;
  to: string;
  quantity: string | null;
  phase?: string | null;
  reason?: string;
  vintage?: string | null;
}

/** A serial number as printed: at least nine digits. */
export function formatSerial(serial: string): string {
  return serial.padStart(9, '0');
}

/** A serial range as printed: JAA-<vintage>-<first>–<last>. */
export function serialLabel(r: { vintage: string; from: string; to: string }): string {
  return `JAA-${r.vintage}-${formatSerial(r.from)}–${formatSerial(r.to)}`;
}

function rangeView(r: { vintage: string; from: string; to: string; banked?: boolean }): SerialRange {
  return { vintage: r.vintage, from: r.from, to: r.to, banked: r.banked ?? false, label: serialLabel(r) };
}

const RETRYABLE = new Set(['40P01', '40001']);
const NUMERIC_OUT_OF_RANGE = '22003';
const MAX_ATTEMPTS = 5;
/**
 * Batches at the database at once, and postings per batch (see core/database/batcher.ts). One at a
 * time: ledger_post_batch() v2 costs little per posting beyond a fixed cost per batch, so postings
 * that arrive meanwhile are better gathered into the next batch than sent as a second, small one
 * (measured: ~1,730–1,850 vs ~1,580 transfers/s with two; bench/README.md). One at a time also
 * means a process's batches never wait on each other's account locks (two batches contending for
 * a hot account once held PostgreSQL's cleanup horizon and collapsed the hot figure).
 */
const LEDGER_BATCHES_IN_FLIGHT = 1;
const LEDGER_BATCH_MAX = 64;
const ISSUANCE_ACCOUNT = 'AST-1';
const RETIREMENT_ACCOUNT = 'AST-2';
const CANCELLATION_ACCOUNT = 'AST-101';

/**
 * ledger_post()'s fourteen arguments, in order: v3's thirteen and the audit facts of the request
 * the posting belongs to (null outside a request: the database writes its own description).
 */
type PostParams = [string, string | null, string, string | null, string, string | null, string | null, boolean, string | null, string | null, string | null, string | null, string | null, Record<string, unknown> | null];
type PostOutcome = { ok: boolean; code?: string; check?: string; details?: Record<string, unknown>; replayed?: boolean; fromBalanceAfter?: string } & Omit<PostingResult, 'serials'> & {
  serials?: { vintage: string; from: string; to: string; banked?: boolean }[];
};

/**
 * The commitment reserve on one vintage: max(0, issued − reduction target − retired), in whole JAA
 * (rounded up), until the vintage's reserve end (the phase's deadline); then it lapses.
 */
export function commitmentReserve(t: { issued: Decimal; reductionTarget: Decimal; retired: Decimal }, reserveEndsAt: Date, now = new Date()): Decimal {
  if (now.getTime() > reserveEndsAt.getTime()) return new Decimal(0);
  return Decimal.max(0, t.issued.minus(t.reductionTarget).minus(t.retired)).ceil();
}

/** The ledger module's application service: the only way other modules reach accounts and JAA. */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger('Ledger');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  private phases?: RetirementPhases;
  /** The compliance module's answer to "which phase does this retirement count toward". */
  private retirementPhases(): RetirementPhases {
    this.phases ??= this.moduleRef.get<RetirementPhases>(RETIREMENT_PHASES, { strict: false });
    return this.phases;
  }

  // ---- accounts ---------------------------------------------------------------------------

  /** Opens an account inside the caller's transaction; numbers come from account_number_seq. */
  async openAccount(manager: EntityManager, request: OpenAccountRequest): Promise<AccountSummary> {
    const [{ n }] = await manager.query(`SELECT nextval('account_number_seq')::text AS n`);
    const account = await manager.save(
      manager.create(Account, {
        accountNumber: `AST-${n}`,
        type: request.type,
        name: request.name,
        targetHolderId: request.targetHolderId ?? null,
        tradingParticipantId: request.tradingParticipantId ?? null,
      }),
    );
    return toSummary(account);
  }

  /** Accounts owned by the given holders / participants, keyed by owner id. */
  async accountsOf(manager: EntityManager, owners: { targetHolderIds?: string[]; tradingParticipantIds?: string[] }) {
    const byOwner = new Map<string, AccountSummary>();
    const qb = manager.getRepository(Account).createQueryBuilder('a').where('false');
    if (owners.targetHolderIds?.length) qb.orWhere('a.target_holder_id IN (:...h)', { h: owners.targetHolderIds });
    if (owners.tradingParticipantIds?.length) qb.orWhere('a.trading_participant_id IN (:...p)', { p: owners.tradingParticipantIds });
    for (const a of await qb.getMany()) byOwner.set((a.targetHolderId ?? a.tradingParticipantId)!, toSummary(a));
    return byOwner;
  }

  /** The account if this login may see it (owner A, owning participant, secretariat), else 404. */
  async visibleAccount(actor: Actor, accountNumber: string): Promise<Account> {
    const account = await this.db.getRepository(Account).findOne({ where: { accountNumber } });
    const visible =
      !!account &&
      (actor.role === 'secretariat' ||
        (actor.role === 'holder_a' && account.targetHolderId !== null && account.targetHolderId === actor.targetHolderId) ||
        (actor.role === 'trading_participant' && account.tradingParticipantId !== null && account.tradingParticipantId === actor.tradingParticipantId));
    if (!visible) throw new DomainError('ACCOUNT_NOT_FOUND', { accountNumber });
    return account!;
  }

  /**
   * The secretariat opens, blocks or closes a compliance or holding account (PUT: setting the status
   * it already has changes nothing). Blocked and closed accounts take no postings in or out
   * (L-1002 ACCOUNT_NOT_OPEN); closing needs an empty account and is final. The account row is
   * locked first, so no posting changes the balance between the check and the change; the database
   * guards the same rules (ck_accounts_closed_empty, ck_accounts_system_open, accounts_closed_final).
   * The reason goes to the audit trail with the change.
   */
  async setStatus(accountNumber: string, dto: AccountStatusDto): Promise<AccountView> {
    const reason = dto.reason.trim();
    if (!reason) throw new DomainError('REASON_REQUIRED');
    return this.db.transaction(async (m) => {
      const account = await m.getRepository(Account).findOne({ where: { accountNumber }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', { accountNumber });
      if (account.type !== 'compliance' && account.type !== 'holding') throw new DomainError('ACCOUNT_STATUS_FIXED', { accountNumber });
      if (account.status === dto.status) return this.view(account, m);
      if (account.status === 'closed') throw new DomainError('ACCOUNT_CLOSED', { accountNumber });
      if (dto.status === 'closed' && !account.balance.isZero()) {
        throw new DomainError('ACCOUNT_NOT_EMPTY', { accountNumber, balance: account.balance.toFixed(0) });
      }
      await m.query(`UPDATE accounts SET status = $2 WHERE id = $1`, [account.id, dto.status]);
      requestContext.noteChange({ accountNumber, status: account.status }, { accountNumber, status: dto.status, reason });
      return this.view({ ...account, status: dto.status }, m);
    });
  }

  /** Balance, commitment reserve and available JAA, with the holding per vintage. */
  async view(account: Account, m: EntityManager = this.db.manager): Promise<AccountView> {
    return (await this.views([account], m))[0];
  }

  private async views(accounts: Account[], m: EntityManager = this.db.manager, now = new Date()): Promise<AccountView[]> {
    if (!accounts.length) return [];
    const rows: { account_id: string; code: string; rank: number; quantity: string | null; banked: string | null; reserve_ends_at: Date; issued: string | null; reduction_target: string | null; retired: string | null }[] = await m.query(
      `SELECT x.account_id, v.code, v.rank, v.reserve_ends_at, h.quantity::text, h.banked::text,
              t.issued::text, t.reduction_target::text, t.retired::text
         FROM (SELECT DISTINCT account_id, vintage_id FROM (
                 SELECT account_id, vintage_id FROM unit_blocks WHERE account_id = ANY($1::uuid[])
                 UNION ALL SELECT account_id, vintage_id FROM ledger_account_vintages WHERE account_id = ANY($1::uuid[])) u) x
         JOIN ledger_vintages v ON v.id = x.vintage_id
         LEFT JOIN LATERAL (SELECT sum(serial_end - serial_start + 1) AS quantity,
                                   sum(serial_end - serial_start + 1) FILTER (WHERE banked) AS banked
                              FROM unit_blocks b WHERE b.account_id = x.account_id AND b.vintage_id = x.vintage_id) h ON true
         LEFT JOIN ledger_account_vintages t ON t.account_id = x.account_id AND t.vintage_id = x.vintage_id
        ORDER BY v.rank, v.id`,
      [accounts.map((a) => a.id)],
    );
    return accounts.map((account) => {
      const holdings: VintageHolding[] = [];
      let reserve = new Decimal(0);
      let available = new Decimal(0);
      for (const r of rows.filter((x) => x.account_id === account.id)) {
        const quantity = new Decimal(r.quantity ?? 0);
        const vintageReserve =
          account.type === 'compliance' && r.issued !== null
            ? commitmentReserve({ issued: new Decimal(r.issued), reductionTarget: new Decimal(r.reduction_target!), retired: new Decimal(r.retired!) }, r.reserve_ends_at, now)
            : new Decimal(0);
        reserve = reserve.plus(vintageReserve);
        available = available.plus(Decimal.max(0, quantity.minus(vintageReserve)));
        if (quantity.isZero() && vintageReserve.isZero()) continue;
        holdings.push({
          vintage: r.code,
          quantity: quantity.toFixed(0),
          banked: new Decimal(r.banked ?? 0).toFixed(0),
          commitmentReserve: vintageReserve.toFixed(0),
          reserveEndsAt: r.reserve_ends_at.toISOString(),
        });
      }
      return {
        accountNumber: account.accountNumber,
        type: account.type,
        name: account.name,
        status: account.status,
        balance: account.balance.toFixed(0),
        commitmentReserve: reserve.toFixed(0),
        available: account.type === 'compliance' || account.type === 'holding' ? available.toFixed(0) : account.balance.toFixed(0),
        holdings,
      };
    });
  }

  async history(account: Account, page: PageQuery): Promise<Page<HistoryItem>> {
    const limit = page.limit ?? 20;
    const before = page.cursor ? decodeBigintCursor(page.cursor) : null;
    const rows = await this.entries(account.id, limit + 1, before);
    const items = rows.slice(0, limit);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null,
    };
  }

  /** The account's entries, newest first, with the counterparty and the serial ranges of each. */
  async entries(accountId: string, limit: number, beforeSeq: string | null = null): Promise<HistoryItem[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT e.seq::text AS seq, e.amount::text AS amount, e.balance_after::text AS balance_after, e.created_at,
              t.id AS transaction_id, t.type, t.phase, c.account_number AS counterparty, coalesce(t.serials, '[]') AS serials
         FROM ledger_entries e
         JOIN ledger_transactions t ON t.id = e.transaction_id
         JOIN accounts c ON c.id = CASE WHEN t.from_account_id = e.account_id THEN t.to_account_id ELSE t.from_account_id END
        WHERE e.account_id = $1 AND ($2::bigint IS NULL OR e.seq < $2::bigint)
        ORDER BY e.seq DESC
        LIMIT $3`,
      [accountId, beforeSeq, limit],
    );
    return rows.map((r) => ({
      transactionId: r.transaction_id as string,
      type: r.type as string,
      seq: r.seq as string,
      amount: r.amount as string,
      balanceAfter: r.balance_after as string,
      counterpartyAccount: r.counterparty as string,
      phase: (r.phase as string | null) ?? null,
      serials: (r.serials as { vintage: string; from: string; to: string; banked: boolean }[]).map(rangeView),
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }

  async listAccounts(page: PageQuery) {
    const limit = page.limit ?? 50;
    const after = page.cursor ? decodeCursor(page.cursor, /^AST-[0-9]{1,12}$/) : '';
    const rows = await this.db
      .getRepository(Account)
      .createQueryBuilder('a')
      .where('a.account_number > :after', { after })
      .orderBy('a.account_number')
      .take(limit + 1)
      .getMany();
    const items = await this.views(rows.slice(0, limit));
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].accountNumber) : null,
    };
  }

  /** The system accounts and the sum of all balances (zero while the books balance). */
  async totals() {
    const system = await this.db.getRepository(Account).find({
      where: [{ type: 'issuance' }, { type: 'retirement' }, { type: 'cancellation' }, { type: 'offset' }],
      order: { accountNumber: 'ASC' },
    });
    const [{ total, accounts }] = await this.db.query(`SELECT sum(balance)::text AS total, count(*)::int AS accounts FROM accounts`);
    return {
      systemAccounts: system.map((a) => ({ accountNumber: a.accountNumber, type: a.type, name: a.name, balance: a.balance.toFixed(0) })),
      totalBalance: new Decimal(total ?? 0).toFixed(0),
      accounts,
    };
  }

  // ---- postings ---------------------------------------------------------------------------

  /**
   * A transfer, or a retirement (to AST-2: it counts toward the phase named by phaseId, else the
   * one the compliance module picks), cancellation or offset. `vintage` takes only units of that
   * vintage. The Idempotency-Key covers the request as sent.
   */
  async transfer(actor: Actor, dto: TransferDto, key?: string): Promise<PostingResult> {
    let phase: string | null = null;
    if (dto.toAccount === RETIREMENT_ACCOUNT) {
      const source = await this.db.getRepository(Account).findOne({ where: { accountNumber: dto.fromAccount } });
      // an account the caller may not move JAA from gets the ledger's own refusal (L-4001 / L-4002)
      if (source?.type === 'compliance' && source.targetHolderId && this.mayMoveFrom(actor, source)) {
        phase = await this.retirementPhases().retirementPhase(source.targetHolderId, dto.phaseId ?? null);
      }
    } else if (dto.phaseId) {
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'phaseId', problems: ['phaseId は償却（AST-2 への移転）でのみ指定できます (only for a retirement)'] }] });
    }
    const { phaseId: _p, ...body } = dto;
    return this.post(actor, { kind: 'transfer', from: dto.fromAccount, to: dto.toAccount, quantity: dto.quantity, phase, vintage: dto.vintage ?? null }, key, dto.phaseId ? dto : body);
  }

  private mayMoveFrom(actor: Actor, account: Account) {
    return actor.role === 'holder_a' && actor.targetHolderId === account.targetHolderId;
  }

  /** Issues a phase's JAA (its vintage) to a holder: the amount base-year approval fixed. */
  async issue(actor: Actor, targetHolderId: string, vintage: string, key?: string, hashed?: unknown): Promise<PostingResult> {
    const account = await this.db.getRepository(Account).findOne({ where: { targetHolderId, type: 'compliance' } });
    if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', { targetHolderId });
    return this.post(actor, { kind: 'issuance', from: null, to: account.accountNumber, quantity: null, phase: vintage }, key, hashed ?? { targetHolderId, vintage });
  }

  correct(actor: Actor, dto: CorrectionDto, key?: string): Promise<PostingResult> {
    const [from, to] = dto.direction === 'credit' ? [ISSUANCE_ACCOUNT, dto.accountNumber] : [dto.accountNumber, ISSUANCE_ACCOUNT];
    const reason = dto.reason.trim(); // (the Idempotency-Key compares the trimmed reason too)
    return this.post(actor, { kind: 'correction', from, to, quantity: dto.quantity, reason, vintage: dto.vintage ?? null }, key, { ...dto, reason });
  }

  // ---- vintages and terms (for the compliance module; inside its transactions) ---------------

  /** A new vintage (a phase's JAA): serials start at 1. */
  async createVintage(m: EntityManager, v: { code: string; rank: number; reserveEndsAt: Date }) {
    await m.insert(Vintage, { code: v.code, rank: v.rank, reserveEndsAt: v.reserveEndsAt });
  }

  /** Moves the end of the vintage's commitment reserves (a deadline extension). */
  async setReserveEnd(m: EntityManager, code: string, reserveEndsAt: Date) {
    await m.update(Vintage, { code }, { reserveEndsAt });
  }

  private async vintageId(m: EntityManager, code: string): Promise<number> {
    const v = await m.findOne(Vintage, { where: { code } });
    if (!v) throw new DomainError('VINTAGE_NOT_FOUND', { vintage: code });
    return v.id;
  }

  /** The holder's compliance account, locked (postings lock it the same way). */
  private async lockedCompliance(m: EntityManager, targetHolderId: string): Promise<Account> {
    const account = await m.findOne(Account, { where: { targetHolderId, type: 'compliance' }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', { targetHolderId });
    return account;
  }

  /** A holder joins a vintage's phase with its reduction target. */
  async openTerms(m: EntityManager, targetHolderId: string, code: string, reductionTarget: Decimal) {
    const account = await this.lockedCompliance(m, targetHolderId);
    await m.insert(AccountVintage, { accountId: account.id, vintageId: await this.vintageId(m, code), reductionTarget });
  }

  /** Base-year approval: the issuance is fixed (floor(base − target), never below 0); once issued it stays. */
  async fixIssuable(m: EntityManager, targetHolderId: string, code: string, issuable: Decimal) {
    const account = await this.lockedCompliance(m, targetHolderId);
    const vintageId = await this.vintageId(m, code);
    const terms = await m.findOneOrFail(AccountVintage, { where: { accountId: account.id, vintageId } });
    if (terms.issued.gt(0)) throw new DomainError('ALREADY_ISSUED', { phase: code });
    await m.update(AccountVintage, { accountId: account.id, vintageId }, { issuable: Decimal.max(0, issuable) });
  }

  /** Target-year approval: the obligation is fixed (ceil(target-year emissions)). */
  async fixObligation(m: EntityManager, targetHolderId: string, code: string, obligation: Decimal) {
    const account = await this.lockedCompliance(m, targetHolderId);
    await m.update(AccountVintage, { accountId: account.id, vintageId: await this.vintageId(m, code) }, { obligation });
  }

  /**
   * Figures per holder in one vintage: terms, issued and retired, the part of retirements made up
   * to `until` (from the journal), units held and banked.
   */
  async vintageFigures(code: string, targetHolderIds: string[], until: Date, m: EntityManager = this.db.manager): Promise<Map<string, VintageFigures>> {
    const out = new Map<string, VintageFigures>();
    if (!targetHolderIds.length) return out;
    const rows: Record<string, string | null>[] = await m.query(
      `SELECT a.target_holder_id, a.account_number, t.reduction_target::text, t.issuable::text, t.obligation::text, t.issued::text, t.retired::text,
              (SELECT coalesce(sum(x.quantity), 0) FROM ledger_transactions x
                WHERE x.type = 'retirement' AND x.from_account_id = a.id AND x.phase = v.code AND x.created_at <= $3)::text AS on_time,
              coalesce(h.holding, 0)::text AS holding, coalesce(h.banked, 0)::text AS banked
         FROM accounts a
         JOIN ledger_vintages v ON v.code = $1
         JOIN ledger_account_vintages t ON t.account_id = a.id AND t.vintage_id = v.id
         CROSS JOIN LATERAL (SELECT sum(b.serial_end - b.serial_start + 1) AS holding,
                                    sum(b.serial_end - b.serial_start + 1) FILTER (WHERE b.banked) AS banked
                               FROM unit_blocks b WHERE b.account_id = a.id AND b.vintage_id = v.id) h
        WHERE a.type = 'compliance' AND a.target_holder_id = ANY($2::uuid[])`,
      [code, targetHolderIds, until],
    );
    const dec = (x: string | null) => (x === null ? null : new Decimal(x));
    for (const r of rows) {
      out.set(r.target_holder_id!, {
        accountNumber: r.account_number!,
        reductionTarget: new Decimal(r.reduction_target!),
        issuable: dec(r.issuable),
        obligation: dec(r.obligation),
        issued: new Decimal(r.issued!),
        retired: new Decimal(r.retired!),
        retiredOnTime: new Decimal(r.on_time!),
        holding: new Decimal(r.holding!),
        banked: new Decimal(r.banked!),
      });
    }
    return out;
  }

  /** The account of a holder (compliance) or a participant (holding). */
  async accountOf(owner: { targetHolderId?: string | null; tradingParticipantId?: string | null }, m: EntityManager = this.db.manager): Promise<Account> {
    const where = owner.targetHolderId ? { targetHolderId: owner.targetHolderId, type: 'compliance' as const } : { tradingParticipantId: owner.tradingParticipantId!, type: 'holding' as const };
    const account = await m.findOne(Account, { where });
    if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', {});
    return account;
  }

  /** Units of a vintage in an account that are not banked yet. */
  async unbankedHolding(accountNumber: string, code: string, m: EntityManager = this.db.manager): Promise<Decimal> {
    const [{ q }] = await m.query(
      `SELECT coalesce(sum(b.serial_end - b.serial_start + 1), 0)::text AS q
         FROM unit_blocks b JOIN accounts a ON a.id = b.account_id JOIN ledger_vintages v ON v.id = b.vintage_id
        WHERE a.account_number = $1 AND v.code = $2 AND NOT b.banked`,
      [accountNumber, code],
    );
    return new Decimal(q);
  }

  /** Marks the lowest unbanked serials of the vintage in the account as banked (banking approval). */
  async bankUnits(m: EntityManager, accountNumber: string, code: string, quantity: Decimal): Promise<SerialRange[]> {
    const [{ r }] = await m.query(`SELECT ledger_bank_units($1, $2, $3::numeric) AS r`, [accountNumber, code, quantity.toFixed(0)]);
    if (!r.ok) throw new DomainError(r.code, r.details);
    return (r.serials as { vintage: string; from: string; to: string }[]).map((x) => rangeView({ ...x, banked: true }));
  }

  /**
   * Phase close: every unbanked unit of the vintage, in any account, moves to the cancellation
   * account as an expiry posting (one per account, in one ledger_post_batch() call inside the
   * caller's transaction), then the vintage is closed. Returns the expiries.
   */
  async expireVintage(m: EntityManager, actor: Actor, code: string): Promise<{ accountNumber: string; quantity: string; transactionId: string }[]> {
    // a phase closes after its deadline: a reserve still running (a clock ahead of the database's)
    // ends now, before the units expire
    await m.query(`UPDATE ledger_vintages SET reserve_ends_at = least(reserve_ends_at, now() - interval '1 millisecond') WHERE code = $1`, [code]);
    const holders: { account_number: string }[] = await m.query(
      `SELECT DISTINCT a.account_number FROM unit_blocks b JOIN accounts a ON a.id = b.account_id JOIN ledger_vintages v ON v.id = b.vintage_id
        WHERE v.code = $1 AND NOT b.banked AND a.type IN ('compliance', 'holding') ORDER BY a.account_number`,
      [code],
    );
    const out: { accountNumber: string; quantity: string; transactionId: string }[] = [];
    // each expiry gets its own audit event, committed with it and naming the request that closed the
    // phase (which keeps its own event too: the close is more than its postings)
    const audit = requestContext.get()?.audit?.facts() ?? null;
    for (let i = 0; i < holders.length; i += LEDGER_BATCH_MAX) {
      const items: PostParams[] = holders
        .slice(i, i + LEDGER_BATCH_MAX)
        .map((h) => ['expiry', h.account_number, CANCELLATION_ACCOUNT, null, actor.id, null, null, true, null, null, code, null, null, audit]);
      const [{ r }] = await m.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [jsonParam(items)]);
      for (const result of r as PostOutcome[]) {
        if (!result.ok) throw new DomainError(result.code!, { check: result.check, ...(result.details ?? {}) });
        out.push({ accountNumber: result.fromAccount, quantity: result.quantity, transactionId: result.transactionId });
      }
    }
    await m.query(`UPDATE ledger_vintages SET closed_at = now() WHERE code = $1`, [code]);
    return out;
  }

  /**
   * One posting. Concurrent postings share a round trip and a commit (ledger_post_batch(), see
   * core/database/batcher.ts and migrations/sql/ledger-post-batch.v4.ts), each with its own checks
   * and result; a lone posting goes through ledger_post() (a batch of one). A posting made by a
   * request carries the request's audit facts and writes the request's audit event with itself (the
   * middleware then writes none); outside a request the database describes the posting itself.
   */
  private async post(actor: Actor, req: PostRequest, key?: string, hashed: unknown = req): Promise<PostingResult> {
    const requestHash = key ? createHash('sha256').update(JSON.stringify([req.kind, hashed])).digest('hex') : null;
    const params: PostParams = [
      req.kind,
      req.from,
      req.to,
      req.quantity,
      actor.id,
      actor.role === 'holder_a' ? actor.targetHolderId ?? null : null,
      actor.role === 'trading_participant' ? actor.tradingParticipantId ?? null : null,
      actor.role === 'secretariat',
      key ?? null,
      requestHash,
      req.phase ?? null,
      req.reason ?? null,
      req.vintage ?? null,
      null,
    ];
    const audit = requestContext.get()?.audit;
    if (audit) params[13] = audit.facts();
    const posting = this.postings.submit(params).then((outcome) => {
      // committed with its event (a refusal or a replay wrote none: the middleware records the request)
      if (outcome.ok && !outcome.replayed) audit?.claim();
      return outcome;
    });
    audit?.track(posting);
    const result = await posting;
    if (!result.ok) {
      throw new DomainError(result.code!, { check: result.check, ...(result.details ?? {}), ...(result.replayed ? { replayed: true } : {}) });
    }
    const { ok: _ok, fromBalanceAfter, serials, ...rest } = result;
    const posted: PostingResult = { ...rest, phase: rest.phase ?? null, serials: (serials ?? []).map(rangeView) };
    if (!posted.replayed && fromBalanceAfter !== undefined) {
      requestContext.noteChange(
        { account: posted.fromAccount, balance: new Decimal(fromBalanceAfter).plus(posted.quantity).toFixed(0) },
        { account: posted.fromAccount, balance: fromBalanceAfter, transactionId: posted.transactionId },
      );
    }
    return posted;
  }

  private readonly postings = new Batcher<PostParams, PostOutcome>({
    maxInFlight: LEDGER_BATCHES_IN_FLIGHT,
    maxBatch: LEDGER_BATCH_MAX,
    runBatch: async (items) => {
      const [{ r }] = await this.db.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [jsonParam(items)]);
      return r as PostOutcome[];
    },
    runOne: (params) => this.postOne(params),
    // A batch the database refused wrote nothing: its postings may go again one by one. One that
    // may have committed (a lost connection) is not sent again.
    mayRetryEach: (error) => !mayHaveCommitted(error),
    outcomeUnknown: () => new DomainError('LEDGER_OUTCOME_UNKNOWN'),
    onBatchFailed: (error, size, retried) => {
      this.logger.warn({ msg: retried ? 'ledger batch refused; posting each on its own' : 'ledger batch outcome unknown', size, code: sqlState(error) });
    },
  });

  /** One call of ledger_post() (one round trip, atomic on its own), retried on deadlock/serialization. */
  private async postOne(params: PostParams): Promise<PostOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [{ r }] = await this.db.query(
          `SELECT ledger_post($1, $2, $3, $4::numeric, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb) AS r`,
          [...params.slice(0, 13), params[13] === null ? null : jsonParam(params[13])],
        );
        return r as PostOutcome;
      } catch (error) {
        const code = sqlState(error);
        if (code !== undefined && RETRYABLE.has(code)) {
          if (attempt >= MAX_ATTEMPTS) throw new DomainError('LEDGER_BUSY');
          this.logger.warn({ msg: 'ledger_post retried', code, attempt });
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
          continue;
        }
        // A balance, issued or retired total would leave numeric(20,0): the database refused the
        // posting and wrote nothing (a batch holding it was refused whole and is posted again one by
        // one, so only this posting gets the refusal). Like a refused request body, it does not use
        // up its Idempotency-Key.
        if (code === NUMERIC_OUT_OF_RANGE) throw new DomainError('LEDGER_LIMIT_EXCEEDED', { check: 'L-3003', limit: '99999999999999999999' });
        if (mayHaveCommitted(error)) throw new DomainError('LEDGER_OUTCOME_UNKNOWN');
        throw error;
      }
    }
  }
}

function toSummary(a: Account): AccountSummary {
  return {
    id: a.id,
    accountNumber: a.accountNumber,
    type: a.type,
    name: a.name,
    status: a.status,
    targetHolderId: a.targetHolderId,
    tradingParticipantId: a.tradingParticipantId,
  };
}
