/**
 * ledger_post_batch() version 1: several postings in one round trip and one commit (group commit).
 * Frozen with the migration that creates it: a change is a new version file and a new migration.
 *
 *   p_requests   a JSON array; each element is the array of ledger_post()'s twelve arguments in
 *                order (kind, from, to, quantity, initiator, holder, participant, secretariat,
 *                key, request hash, phase, reason), JSON null for SQL NULL.
 *
 * Returns a JSON array with ledger_post()'s result for each element, in the same order. Every
 * posting still goes through ledger_post() with all its checks; a refusal is a result, not an
 * error. Every account the batch touches is locked first, in id order (as ledger_post() itself
 * does for its two), so batches and single postings running side by side cannot deadlock on
 * accounts. Any error aborts the whole batch (nothing of it is written); the service then posts
 * each element on its own. (A single ledger_post() elsewhere takes an idempotency key before its
 * accounts, a batch its accounts first: the same key sent to two processes at once can deadlock
 * them; PostgreSQL breaks it with 40P01, which rolls the batch back, and the service retries.)
 */
export const LEDGER_POST_BATCH_SQL = `
CREATE FUNCTION ledger_post_batch(p_requests jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_results jsonb[] := '{}';
  r jsonb;
BEGIN
  IF jsonb_typeof(p_requests) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'ledger_post_batch expects a JSON array' USING ERRCODE = '22023';
  END IF;
  -- = ANY(ARRAY(…)): a handful of index lookups (an IN (subquery) may be planned as a scan of all accounts)
  PERFORM 1 FROM accounts
    WHERE account_number = ANY (ARRAY(
      SELECT CASE WHEN e->>0 = 'issuance' THEN 'AST-1' ELSE e->>1 END FROM jsonb_array_elements(p_requests) e
      UNION
      SELECT e->>2 FROM jsonb_array_elements(p_requests) e))
    ORDER BY id FOR UPDATE;
  -- in the array's order: results are matched to their callers by position
  FOR r IN SELECT e.value FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
    v_results := v_results || ledger_post(r->>0, r->>1, r->>2, (r->>3)::numeric, (r->>4)::uuid, (r->>5)::uuid,
                                          (r->>6)::uuid, (r->>7)::boolean, r->>8, r->>9, r->>10, r->>11);
  END LOOP;
  RETURN to_jsonb(v_results);
END
$fn$`;
