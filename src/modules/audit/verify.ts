import type { DataSource } from 'typeorm';
import { AUDIT_HASH_EXPR } from '../../../migrations/sql/audit.v1';

export interface AuditVerifyReport {
  sealed: number;
  unsealed: number;
  firstBroken: { seq: string; id: string; problem: string } | null;
  /** Acknowledged postings (ledger_transactions rows), and how many have no audit event naming them. */
  postings: number;
  unaudited: number;
  /** Up to ten of those transactions, oldest first. */
  unauditedSample: string[];
}

/**
 * Recomputes the audit chain in seq order and reports the first broken link; and finds the
 * postings without an audit event naming their transaction (summary.after.transactionId, the shape
 * both the posting's own event and the middleware's write).
 */
export async function verifyAudit(db: DataSource): Promise<AuditVerifyReport> {
  const [broken] = await db.query(`
    SELECT c.seq::text, c.id::text, c.problem FROM (
      SELECT e.seq, e.id,
             CASE
               WHEN e.seq <> row_number() OVER w THEN 'sequence gap'
               WHEN e.prev_hash IS DISTINCT FROM lag(e.hash) OVER w THEN 'does not link to the previous event'
               WHEN e.hash <> ${AUDIT_HASH_EXPR('e', 'e.prev_hash')} THEN 'content does not match its hash'
             END AS problem
        FROM audit_events e WHERE e.seq IS NOT NULL
      WINDOW w AS (ORDER BY e.seq)
    ) c WHERE c.problem IS NOT NULL ORDER BY c.seq LIMIT 1`);
  const [head] = await db.query(`SELECT last_seq::text AS last_seq, last_hash FROM audit_chain`);
  const [counts] = await db.query(
    `SELECT count(*) FILTER (WHERE seq IS NOT NULL)::int AS sealed, count(*) FILTER (WHERE seq IS NULL)::int AS unsealed,
            (SELECT hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) AS last_hash
       FROM audit_events`,
  );
  const [missing] = await db.query(
    `SELECT (SELECT count(*)::int FROM ledger_transactions) AS postings, count(*)::int AS unaudited,
            coalesce((array_agg(t.id::text ORDER BY t.created_at, t.id))[1:10], '{}') AS sample
       FROM ledger_transactions t
      WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.summary->'after'->>'transactionId' = t.id::text)`,
  );
  let firstBroken = broken ?? null;
  if (!firstBroken && (head.last_hash ?? null) !== (counts.last_hash ?? null)) {
    firstBroken = { seq: head.last_seq, id: '', problem: 'the chain head does not match the last sealed event (events removed?)' };
  }
  return {
    sealed: counts.sealed,
    unsealed: counts.unsealed,
    firstBroken,
    postings: missing.postings,
    unaudited: missing.unaudited,
    unauditedSample: missing.sample,
  };
}
