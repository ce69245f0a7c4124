import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  loginId?: string;
  /** What the request changed, for the audit trail: a small before/after summary. */
  change?: { before?: Record<string, unknown>; after?: Record<string, unknown> };
  /** Set by the audit middleware on state-changing requests: lets a posting write the request's event. */
  audit?: PostingAudit;
}

/**
 * How a posting made by a request writes that request's audit event in its own transaction
 * (ledger_post_batch() v4), so the event commits with what it records.
 */
export interface PostingAudit {
  /** The request's audit facts as the middleware records them, keyed by audit_events' column names. */
  facts(): Record<string, unknown>;
  /** The posting committed with the request's event: the middleware writes no second one. */
  claim(): void;
  /** A posting in flight: the middleware waits for it before it records the request (a client that went away). */
  track(posting: Promise<unknown>): void;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** Runs fn outside any request's context (work shared by several requests). */
  exit<T>(fn: () => T): T {
    return storage.exit(fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Services note what they changed; the audit trail records it with the request. */
  noteChange(before: Record<string, unknown>, after: Record<string, unknown>) {
    const ctx = storage.getStore();
    if (ctx) ctx.change = { before: { ...ctx.change?.before, ...before }, after: { ...ctx.change?.after, ...after } };
  },
};
