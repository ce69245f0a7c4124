/** Errors that mean "the database cannot be reached right now" rather than "this query is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
];
/** Of those, the ones raised before a statement was sent: the server never saw it. */
const NOT_SENT_NODE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const NOT_SENT_MESSAGES = ['timeout exceeded when trying to connect', 'Cannot use a pool after calling end', 'Client was closed and is not queryable'];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** Whether the error, or one it wraps (TypeORM's driverError, cause, AggregateError), passes the test. */
function anyCause(error: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as ErrorLike;
  if (test(e)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => anyCause(inner, test, depth + 1))) return true;
  return anyCause(e.driverError, test, depth + 1) || anyCause(e.cause, test, depth + 1);
}

const hasCode = (e: ErrorLike, codes: Set<string>) => typeof e.code === 'string' && codes.has(e.code);
const hasMessage = (e: ErrorLike, messages: string[]) => typeof e.message === 'string' && messages.some((m) => (e.message as string).includes(m));

export function isDatabaseUnavailable(error: unknown): boolean {
  return anyCause(error, (e) => hasCode(e, UNAVAILABLE_SQLSTATES) || hasCode(e, UNAVAILABLE_NODE_CODES) || hasMessage(e, UNAVAILABLE_MESSAGES));
}

/** The SQLSTATE of an error the server answered with (the driver's, or TypeORM's wrapping it); else undefined. */
export function sqlState(error: unknown): string | undefined {
  for (const e of [error, (error as ErrorLike | null)?.driverError] as (ErrorLike | null | undefined)[]) {
    if (e && typeof e === 'object' && typeof e.severity === 'string' && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * Whether a failed statement, run on its own (autocommit), may nevertheless have committed. An
 * error the server answered with rolled it back, unless the session itself went (class 08
 * connection, 57 operator intervention, 58 system, XX internal). Without an answer (the connection
 * dropped) it may have committed, unless the statement was never sent (no connection to be had).
 */
export function mayHaveCommitted(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) return /^(08|57|58|XX)/.test(code);
  return !anyCause(error, (e) => hasCode(e, NOT_SENT_NODE_CODES) || hasMessage(e, NOT_SENT_MESSAGES));
}

/** The constraint (or unique index) a server error names: the driver's, or TypeORM's wrapping it. */
export function violatedConstraint(error: unknown): string | undefined {
  for (const e of [error, (error as { driverError?: unknown } | null)?.driverError] as ({ constraint?: unknown } | null | undefined)[]) {
    if (e && typeof e === 'object' && typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}
