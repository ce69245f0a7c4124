import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  loginId?: string;
  /** What the request changed, for the audit trail: a small before/after summary. */
  change?: { before?: Record<string, unknown>; after?: Record<string, unknown> };
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
