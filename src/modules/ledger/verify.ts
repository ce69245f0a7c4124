import type { DataSource } from 'typeorm';

export interface VerifyReport {
  accounts: number;
  transactions: number;
  entries: number;
  problems: string[];
}

/**
 * Recomputes the books from the journal: every balance and chain head from its entries, every
 * running balance, Σ legs = 0 per transaction and Σ balances = 0 overall, every hash chain, and the
 * units: balances = unit blocks, each vintage's serials held exactly once, each posting's ranges =
 * its quantity (postings made before vintages existed have no ranges).
 */
export async function verifyLedger(db: DataSource): Promise<VerifyReport> {
  const problems: string[] = [];
  const push = (rows: Record<string, unknown>[], describe: (r: Record<string, unknown>) => string) => {
    for (const r of rows) problems.push(describe(r));
  };

  push(
    await db.query(`
      SELECT a.account_number, a.balance::text AS balance, coalesce(s.total, 0)::text AS recomputed,
             a.entry_count::text AS entry_count, coalesce(s.n, 0)::text AS n, a.last_hash, s.last_hash AS recomputed_hash
        FROM accounts a
        LEFT JOIN (SELECT account_id, sum(amount) AS total, count(*) AS n,
                          (array_agg(hash ORDER BY seq DESC))[1] AS last_hash
                     FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id
       WHERE a.balance <> coalesce(s.total, 0) OR a.entry_count <> coalesce(s.n, 0)
          OR a.last_hash IS DISTINCT FROM s.last_hash`),
    (r) =>
      `account ${r.account_number}: balance ${r.balance} vs entries ${r.recomputed}; ` +
      `entries ${r.entry_count} vs ${r.n}; chain head ${r.last_hash} vs ${r.recomputed_hash}`,
  );

  push(
    await db.query(`
      SELECT t.id, coalesce(sum(e.amount), 0)::text AS total, count(e.id)::int AS legs
        FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
       GROUP BY t.id HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) <> 2`),
    (r) => `transaction ${r.id}: legs sum to ${r.total} over ${r.legs} entries`,
  );

  const [{ total }] = await db.query(`SELECT coalesce(sum(balance), 0)::text AS total FROM accounts`);
  if (total !== '0') problems.push(`the balances of all accounts sum to ${total}, not 0`);

  push(
    await db.query(`
      SELECT a.account_number, c.seq::text AS seq, c.problem FROM (
        SELECT e.account_id, e.seq,
               CASE
                 WHEN e.seq <> row_number() OVER w THEN 'sequence gap'
                 WHEN e.prev_hash IS DISTINCT FROM lag(e.hash) OVER w THEN 'prev_hash does not link to the previous entry'
                 WHEN e.balance_after <> sum(e.amount) OVER (w ROWS UNBOUNDED PRECEDING) THEN 'running balance wrong'
                 WHEN e.hash <> encode(sha256(convert_to(concat_ws('|', coalesce(e.prev_hash, ''), e.account_id, e.seq, e.amount, e.balance_after, e.transaction_id), 'UTF8')), 'hex')
                   THEN 'hash does not match the entry'
               END AS problem
          FROM ledger_entries e
        WINDOW w AS (PARTITION BY e.account_id ORDER BY e.seq)
      ) c JOIN accounts a ON a.id = c.account_id
      WHERE c.problem IS NOT NULL
      ORDER BY a.account_number, c.seq`),
    (r) => `account ${r.account_number} entry ${r.seq}: ${r.problem}`,
  );

  // Units: every account's balance is its blocks (the issuance account's: its blocks less every
  // serial created); per vintage the blocks cover serials 1 … next_serial − 1 exactly once.
  push(
    await db.query(`
      SELECT a.account_number, a.balance::text AS balance, coalesce(s.units, 0)::text AS units
        FROM accounts a
        LEFT JOIN (SELECT account_id, sum(serial_end - serial_start + 1) AS units FROM unit_blocks GROUP BY account_id) s ON s.account_id = a.id
       WHERE a.balance <> coalesce(s.units, 0) - CASE WHEN a.type = 'issuance' THEN (SELECT coalesce(sum(next_serial - 1), 0) FROM ledger_vintages) ELSE 0 END`),
    (r) => `account ${r.account_number}: balance ${r.balance} but its unit blocks hold ${r.units}`,
  );
  push(
    await db.query(`
      SELECT v.code, c.problem FROM (
        SELECT b.vintage_id,
               CASE WHEN b.serial_start <= lag(b.serial_end) OVER w THEN 'serials ' || b.serial_start || '–' || lag(b.serial_end) OVER w || ' held twice'
                    WHEN b.serial_start > coalesce(lag(b.serial_end) OVER w, 0) + 1 THEN 'serials ' || (coalesce(lag(b.serial_end) OVER w, 0) + 1) || '–' || (b.serial_start - 1) || ' held by no account'
               END AS problem
          FROM unit_blocks b WINDOW w AS (PARTITION BY b.vintage_id ORDER BY b.serial_start)
      ) c JOIN ledger_vintages v ON v.id = c.vintage_id WHERE c.problem IS NOT NULL
      UNION ALL
      SELECT v.code, 'blocks end at ' || coalesce(max(b.serial_end), 0) || ' but ' || (v.next_serial - 1) || ' serials were created'
        FROM ledger_vintages v LEFT JOIN unit_blocks b ON b.vintage_id = v.id
       GROUP BY v.id HAVING coalesce(max(b.serial_end), 0) <> v.next_serial - 1`),
    (r) => `vintage ${r.code}: ${r.problem}`,
  );
  // every block's vintage exists; every posting's serial ranges add up to its quantity (postings made
  // before vintages existed carry none)
  push(
    await db.query(`SELECT b.id::text, b.vintage_id FROM unit_blocks b LEFT JOIN ledger_vintages v ON v.id = b.vintage_id WHERE v.id IS NULL`),
    (r) => `unit block ${r.id}: no vintage ${r.vintage_id}`,
  );
  push(
    await db.query(`
      SELECT t.id, t.quantity::text AS quantity, coalesce(sum((x->>'to')::numeric - (x->>'from')::numeric + 1), 0)::text AS ranges
        FROM ledger_transactions t LEFT JOIN LATERAL jsonb_array_elements(t.serials) x ON true
       WHERE t.serials IS NOT NULL
       GROUP BY t.id HAVING coalesce(sum((x->>'to')::numeric - (x->>'from')::numeric + 1), 0) <> t.quantity`),
    (r) => `transaction ${r.id}: quantity ${r.quantity} but its serial ranges hold ${r.ranges}`,
  );

  const [counts] = await db.query(
    `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM ledger_transactions)::int AS transactions,
            (SELECT count(*) FROM ledger_entries)::int AS entries`,
  );
  return { ...counts, problems };
}
