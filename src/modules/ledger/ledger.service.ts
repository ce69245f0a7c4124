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
import type { AccountStatusDto, AccountView, ComplianceTermsDto, CorrectionDto, PostingResult, TransferDto } from './dto/ledger.dto';
import { Account } from './entities/account.entity';
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
  createdAt: string;
}

type PostKind = 'transfer' | 'issuance' | 'correction';
interface PostRequest {
  kind: PostKind;
  from: string | null;
  to: string;
  quantity: string | null;
  phase?: string;
  reason?: string;
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

/** ledger_post()'s twelve arguments, in order. */
type PostParams = [string, string | null, string, string | null, string, string | null, string | null, boolean, string | null, string | null, string | null, string | null];
type PostOutcome = { ok: boolean; code?: string; check?: string; details?: Record<string, unknown>; replayed?: boolean; fromBalanceAfter?: string } & PostingResult;

/** The commitment reserve: max(0, issued − reduction target − retired), in whole JAA (rounded up). */
export function commitmentReserve(a: { issued: Decimal; reductionTarget: Decimal; retired: Decimal; type: string }): Decimal {
  if (a.type !== 'compliance') return new Decimal(0);
  return Decimal.max(0, a.issued.minus(a.reductionTarget).minus(a.retired)).ceil();
}

/** The ledger module's application service: the only way other modules reach accounts and JAA. */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger('Ledger');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
      if (account.status === dto.status) return this.view(account);
      if (account.status === 'closed') throw new DomainError('ACCOUNT_CLOSED', { accountNumber });
      if (dto.status === 'closed' && !account.balance.isZero()) {
        throw new DomainError('ACCOUNT_NOT_EMPTY', { accountNumber, balance: account.balance.toFixed(0) });
      }
      await m.query(`UPDATE accounts SET status = $2 WHERE id = $1`, [account.id, dto.status]);
      requestContext.noteChange({ accountNumber, status: account.status }, { accountNumber, status: dto.status, reason });
      return this.view({ ...account, status: dto.status });
    });
  }

  view(account: Account): AccountView {
    const reserve = commitmentReserve(account);
    return {
      accountNumber: account.accountNumber,
      type: account.type,
      name: account.name,
      status: account.status,
      balance: account.balance.toFixed(0),
      commitmentReserve: reserve.toFixed(0),
      available: Decimal.max(0, account.balance.minus(reserve)).toFixed(0),
    };
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

  /** The account's entries, newest first, with the counterparty of each. */
  async entries(accountId: string, limit: number, beforeSeq: string | null = null): Promise<HistoryItem[]> {
    const rows: Record<string, string | Date>[] = await this.db.query(
      `SELECT e.seq::text AS seq, e.amount::text AS amount, e.balance_after::text AS balance_after, e.created_at,
              t.id AS transaction_id, t.type, c.account_number AS counterparty
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
    const items = rows.slice(0, limit).map((a) => this.view(a));
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

  transfer(actor: Actor, dto: TransferDto, key?: string): Promise<PostingResult> {
    return this.post(actor, { kind: 'transfer', from: dto.fromAccount, to: dto.toAccount, quantity: dto.quantity }, key);
  }

  async issue(actor: Actor, targetHolderId: string, phase: string, key?: string): Promise<PostingResult> {
    const account = await this.db.getRepository(Account).findOne({ where: { targetHolderId, type: 'compliance' } });
    if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', { targetHolderId });
    return this.post(actor, { kind: 'issuance', from: null, to: account.accountNumber, quantity: null, phase }, key, { targetHolderId, phase });
  }

  correct(actor: Actor, dto: CorrectionDto, key?: string): Promise<PostingResult> {
    const [from, to] = dto.direction === 'credit' ? ['AST-1', dto.accountNumber] : [dto.accountNumber, 'AST-1'];
    const reason = dto.reason.trim(); // (the Idempotency-Key compares the trimmed reason too)
    return this.post(actor, { kind: 'correction', from, to, quantity: dto.quantity, reason }, key, { ...dto, reason });
  }

  /**
   * Sets the phase's base-year emissions and reduction target on a holder's compliance account
   * (until the emissions module confirms them from approved reports). Locked once JAA were issued
   * for the phase; a new phase starts the reserve terms afresh.
   */
  async setComplianceTerms(targetHolderId: string, dto: ComplianceTermsDto, manager?: EntityManager) {
    const run = <T>(fn: (m: EntityManager) => Promise<T>) => (manager ? fn(manager) : this.db.transaction(fn));
    return run(async (m) => {
      const account = await m.findOne(Account, { where: { targetHolderId, type: 'compliance' }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', { targetHolderId });
      const [{ issued }] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE type = 'issuance' AND to_account_id = $1 AND phase = $2) AS issued`,
        [account.id, dto.phase],
      );
      if (issued) throw new DomainError('ALREADY_ISSUED', { phase: dto.phase });
      const newPhase = account.phase !== dto.phase;
      // Starting a new phase resets the reserve terms; refuse while the current phase still
      // holds a commitment reserve, which would otherwise be released without being discharged.
      if (newPhase && account.phase !== null && commitmentReserve(account).gt(0)) {
        throw new DomainError('PHASE_RESERVE_OPEN', { currentPhase: account.phase, commitmentReserve: commitmentReserve(account).toFixed(0) });
      }
      await m.query(`SELECT set_config('ledger.posting', 'on', true)`);
      await m.query(
        `UPDATE accounts SET phase = $2, base_year_emissions = $3, reduction_target = $4,
                issued = CASE WHEN $5 THEN 0 ELSE issued END, retired = CASE WHEN $5 THEN 0 ELSE retired END
          WHERE id = $1`,
        [account.id, dto.phase, dto.baseYearEmissions, dto.reductionTarget, newPhase],
      );
      await m.query(`SELECT set_config('ledger.posting', 'off', true)`);
      return {
        targetHolderId,
        accountNumber: account.accountNumber,
        phase: dto.phase,
        baseYearEmissions: new Decimal(dto.baseYearEmissions).toFixed(),
        reductionTarget: new Decimal(dto.reductionTarget).toFixed(),
        issuable: Decimal.max(0, new Decimal(dto.baseYearEmissions).minus(dto.reductionTarget).floor()).toFixed(0),
      };
    });
  }

  /** Issued and retired JAA of a holder's compliance account for its current phase (home figures). */
  async complianceFigures(targetHolderId: string) {
    const account = await this.db.getRepository(Account).findOne({ where: { targetHolderId, type: 'compliance' } });
    if (!account) return null;
    return {
      accountNumber: account.accountNumber,
      phase: account.phase,
      issued: account.issued,
      retired: account.retired,
      balance: account.balance,
    };
  }

  /**
   * One posting. Concurrent postings share a round trip and a commit (ledger_post_batch(), see
   * core/database/batcher.ts and migrations/sql/ledger-post-batch.v2.ts), each with its own checks
   * and result; a lone posting goes through ledger_post() (a batch of one).
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
    ];
    const result = await this.postings.submit(params);
    if (!result.ok) {
      throw new DomainError(result.code!, { check: result.check, ...(result.details ?? {}), ...(result.replayed ? { replayed: true } : {}) });
    }
    const { ok: _ok, fromBalanceAfter, ...posted } = result;
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
          `SELECT ledger_post($1, $2, $3, $4::numeric, $5, $6, $7, $8, $9, $10, $11, $12) AS r`,
          params,
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
