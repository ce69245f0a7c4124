import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { jsonParam, wellFormed } from '../../core/database/json-param';
import { decodeBigintCursor, encodeCursor } from '../../core/http/pagination';
import { requestContext } from '../../core/logging/request-context';
import { FileWorkers } from '../../core/workers/workers.module';
import { AuditEvent } from './audit-event.entity';
import { buildAuditWorkbook } from './tasks';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SECRET = /pass(word)?|secret|token|key/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Text PostgreSQL can store (text and jsonb refuse U+0000; jsonb refuses a lone UTF-16 surrogate):
 * each replaced by U+FFFD, so the event still shows that something was there.
 */
export function storableText(s: string): string {
  return wellFormed(s.replace(/\u0000/g, '\ufffd'));
}

/**
 * A value with every string in it, keys included and at any depth, made storable (storableText).
 * Dates and other non-plain objects are kept as they are. Every audit event passes through here
 * before it is buffered or handed to a posting: whatever a client sent (a file name, a field, a
 * path), its event is stored.
 */
export function storable<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object' || depth > 16) return value;
  if (Array.isArray(value)) return value.map((v) => storable(v, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v, depth + 1)])) as T;
}

/** A small, redacted summary of a request body: no secrets, short strings, bounded size. */
export function summarize(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 120)}…` : value;
  if (typeof value !== 'object') return value;
  if (depth > 3) return '…';
  if (Array.isArray(value)) return value.slice(0, 10).map((v) => summarize(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .slice(0, 40)
      .map(([k, v]) => [k, SECRET.test(k) ? '[redacted]' : summarize(v, depth + 1)]),
  );
}

/** What a request's facts give a posting's event; the posting sets its time, login uuid (the initiator) and outcome. */
const POSTING_FACTS = new Set(['login_id', 'role', 'action', 'target_type', 'target_id', 'target_holder_id', 'status', 'request_id', 'client_ip', 'summary']);

/** An event keyed by audit_events' column names (loginId → login_id), optionally only some columns. */
function columns(event: Partial<AuditEvent>, only?: Set<string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(event)
      .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v] as const)
      .filter(([k]) => !only || only.has(k)),
  );
}

export interface AuditFilter {
  from?: string;
  to?: string;
  loginId?: string;
  holderId?: string;
  action?: string;
  limit?: number;
  cursor?: string;
}

@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private timer?: NodeJS.Timeout;
  /** Events wait here at most FLUSH_MS, then go to the database in one statement, sealed. */
  private buffer: Partial<AuditEvent>[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private static readonly FLUSH_MS = 100;
  private static readonly FLUSH_MAX = 500;
  private static readonly SEAL_CHUNK = 1000;
  /** How long the event of a request whose client went away waits for the handler's answer. */
  private static readonly ABORT_WAIT_MS = 60_000;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly workers: FileWorkers,
  ) {}

  /**
   * Express middleware: records every state-changing request when its response is finished. A
   * request whose posting wrote the request's event in the posting's own transaction
   * (ledger_post_batch() v4: the service claims it, res.locals.auditedByPosting) gets no second
   * event; refusals, replays and every other request are recorded here, buffered.
   */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (!STATE_CHANGING.has(req.method)) return next();
      const ctx = requestContext.get(); // the 'finish' event fires outside the request's context
      let pending: Promise<unknown> | undefined;
      if (ctx) {
        ctx.audit = {
          // at the posting: the route, the actor and the body are known, and Nest has set the status it answers
          facts: () => columns(this.describe(req, res, ctx.change, false), POSTING_FACTS),
          claim: () => {
            res.locals.auditedByPosting = true;
          },
          track: (posting) => {
            pending = posting.catch(() => undefined);
          },
        };
      }
      // resolves when the handler has answered (res.end() called), whether or not the client is still there to read it
      let answered!: () => void;
      const handled = new Promise<void>((resolve) => (answered = resolve));
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        answered();
        return (end as (...a: unknown[]) => Response).apply(this, args);
      } as Response['end'];
      let done = false;
      const once = (aborted: boolean) => {
        if (done) return;
        done = true;
        const go = () => {
          if (res.locals.auditedByPosting) return;
          try {
            this.record(req, res, ctx?.change, aborted);
          } catch (error) {
            this.logger.error({ msg: 'audit record failed', error: (error as Error).message });
          }
        };
        // a client that went away while its posting ran: whether the posting wrote the event is known after it
        if (pending) void pending.then(go);
        else go();
      };
      res.on('finish', () => once(false));
      // 'close' without 'finish': the client went away, and the request goes on without it (a posting
      // may yet start, commit and write the request's event). What it did is recorded once the
      // handler has answered (with the status it answered, and no event when a posting wrote one),
      // or after ABORT_WAIT_MS at the latest.
      res.on('close', () => {
        if (res.writableFinished) return once(false);
        const timer = setTimeout(() => once(true), AuditService.ABORT_WAIT_MS);
        timer.unref();
        void handled.then(() => {
          clearTimeout(timer);
          once(!res.writableFinished);
        });
      });
      next();
    };
  }

  /** The audit event of a request, as it stands (outcome and status from the response). */
  private describe(
    req: Request,
    res: Response,
    change?: { before?: Record<string, unknown>; after?: Record<string, unknown> },
    aborted = false,
  ): Partial<AuditEvent> {
    const actor = (req as Request & { user?: Actor }).user;
    const route = (req as Request & { route?: { path?: string } }).route?.path;
    const path = route ?? req.originalUrl.split('?')[0];
    const segments = path.replace(/^\/api\/v1\//, '').split('/');
    const params = (req.params ?? {}) as Record<string, string>;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const targetId =
      str(Object.values(params)[0]) ?? str(body.fromAccount) ?? str(body.accountNumber) ?? str(body.targetHolderId) ?? str(body.loginId) ?? null;
    const holderFromRoute = segments[0] === 'target-holders' && UUID.test(params.id ?? '') ? params.id : null;
    const file = (req as Request & { file?: { originalname: string; size: number } }).file;
    // made storable after the cuts below, which may split a surrogate pair
    return storable({
      at: new Date(),
      loginUuid: actor?.id ?? null,
      loginId: actor?.loginId ?? str(body.loginId)?.slice(0, 128) ?? null,
      role: actor?.role ?? null,
      action: `${req.method} ${path}`.slice(0, 200),
      targetType: segments[0]?.slice(0, 64) || null,
      targetId: targetId ? targetId.slice(0, 128) : null,
      targetHolderId: holderFromRoute ?? actor?.targetHolderId ?? null,
      outcome: aborted ? 'ABORTED' : res.statusCode < 400 ? 'ok' : ((res.locals.errorCode as string) ?? `HTTP_${res.statusCode}`),
      status: res.statusCode,
      requestId: (req as Request & { id?: string }).id ?? null,
      clientIp: req.ip?.slice(0, 64) ?? null,
      summary: {
        ...(Object.keys(params).length ? { params } : {}),
        ...(Object.keys(body).length ? { body: summarize(body) } : {}),
        ...(file ? { file: { name: file.originalname, size: file.size } } : {}),
        ...(change && res.statusCode < 400 ? { before: summarize(change.before), after: summarize(change.after) } : {}),
      } as Record<string, never>,
    });
  }

  private record(
    req: Request,
    res: Response,
    change?: { before?: Record<string, unknown>; after?: Record<string, unknown> },
    aborted = false,
  ) {
    this.buffer.push(this.describe(req, res, change, aborted));
    if (this.buffer.length >= AuditService.FLUSH_MAX) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), AuditService.FLUSH_MS);
  }

  /** Writes the buffered events (one INSERT); resolves when everything recorded so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.append(batch);
      } catch {
        // one bad event must not take the others with it: retry them one at a time
        for (const event of batch) {
          try {
            await this.append([event]);
          } catch (error) {
            // logged as the request the event records, not as whichever request's timer ran the flush
            const log = () => this.logger.error({ msg: 'audit event not stored', action: event.action, requestId: event.requestId, error: (error as Error).message });
            if (event.requestId) requestContext.run({ requestId: event.requestId }, log);
            else requestContext.exit(log);
          }
        }
      }
    });
    return this.flushing;
  }

  /** Writes events already sealed into the chain: audit_append(), one statement (migrations/sql/audit.v2.ts). */
  private async append(events: Partial<AuditEvent>[]): Promise<void> {
    await this.db.query(`SELECT audit_append($1::jsonb)`, [jsonParam(events.map((e) => columns(e)))]);
  }

  onApplicationBootstrap() {
    if (!this.config.env.NOTIFY_DISPATCH) return; // background work off (tests drive it themselves)
    const tick = () => {
      this.seal(20_000) // (postings' events arrive unsealed: a storm writes thousands a second)
        .catch((error) => this.logger.warn({ msg: 'audit seal failed', error: (error as Error).message }))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, 2000);
        });
    };
    this.timer = setTimeout(tick, 2000);
  }

  async onApplicationShutdown() {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * Chains unsealed events (in id order: the postings' own events, rows written the old way), up to
   * `limit` per call, in chunks of SEAL_CHUNK (one short transaction each, so sealing never holds
   * back PostgreSQL's cleanup of busy rows for long); returns how many.
   */
  async seal(limit = 5000): Promise<number> {
    await this.flush();
    let total = 0;
    while (total < limit) {
      const chunk = Math.min(AuditService.SEAL_CHUNK, limit - total);
      const [{ n }] = await this.db.query(`SELECT audit_seal($1) AS n`, [chunk]);
      total += n;
      if (n < chunk) break;
    }
    return total;
  }

  async list(filter: AuditFilter) {
    await this.flush();
    const limit = filter.limit ?? 50;
    const qb = this.db.getRepository(AuditEvent).createQueryBuilder('e');
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    if (filter.loginId) qb.andWhere('e.login_id = :loginId', { loginId: filter.loginId });
    if (filter.holderId) qb.andWhere('e.target_holder_id = :holderId', { holderId: filter.holderId });
    if (filter.action) qb.andWhere('e.action ILIKE :action', { action: `%${filter.action.replace(/[%_]/g, '')}%` });
    if (filter.cursor) {
      const before = decodeBigintCursor(filter.cursor);
      qb.andWhere('e.id < :before', { before });
    }
    const rows = await qb.orderBy('e.id', 'DESC').take(limit + 1).getMany();
    const items = rows.slice(0, limit);
    return {
      items: items.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        loginId: e.loginId,
        role: e.role,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        targetHolderId: e.targetHolderId,
        outcome: e.outcome,
        status: e.status,
        requestId: e.requestId,
        clientIp: e.clientIp,
        summary: e.summary,
        sealed: e.hash !== null,
      })),
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
    };
  }

  /** The filtered trail (up to 10,000 events) as .xlsx, written in a file worker. */
  async workbook(filter: AuditFilter) {
    const { items } = await this.list({ ...filter, limit: 10000, cursor: undefined });
    return buildAuditWorkbook(
      this.workers,
      items.map((e) => ({ at: e.at, loginId: e.loginId, role: e.role, action: e.action, targetType: e.targetType, targetId: e.targetId, outcome: e.outcome, status: e.status, requestId: e.requestId, clientIp: e.clientIp })),
    );
  }
}
