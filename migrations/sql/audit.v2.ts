import { AUDIT_HASH_EXPR } from './audit.v1';

/**
 * The audit chain's SQL, version 2: audit_append() writes a batch of audit events already sealed
 * into the chain, in one statement. Frozen with its migration (a change is a new version + migration).
 *
 * Before it, events were inserted plainly and audit_seal() chained them later with an UPDATE of
 * every row: twice the writes, and a long-running seal held back PostgreSQL's cleanup horizon, so
 * a much-updated row (a busy account) grew long version chains while it ran. Now the writer takes
 * the chain head (briefly: one statement per flush) and inserts each event with its seq,
 * prev_hash and hash. audit_seal() stays for events written without a hash (older rows).
 *
 *   p_events  a JSON array of objects keyed by audit_events' column names (no id/seq/hashes)
 */
export const AUDIT_APPEND_SQL = `
CREATE FUNCTION audit_append(p_events jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_head audit_chain%ROWTYPE;
  r audit_events%ROWTYPE;
  e jsonb;
  n integer := 0;
BEGIN
  IF jsonb_typeof(p_events) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'audit_append expects a JSON array' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO v_head FROM audit_chain FOR UPDATE; -- one writer of the chain at a time
  FOR e IN SELECT x.value FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(value, n) ORDER BY x.n LOOP
    r := jsonb_populate_record(NULL::audit_events, e - 'id' - 'seq' - 'prev_hash' - 'hash');
    r.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
    r.at := coalesce(r.at, now());
    r.summary := coalesce(r.summary, '{}'::jsonb);
    r.seq := v_head.last_seq + 1;
    r.prev_hash := v_head.last_hash;
    r.hash := ${AUDIT_HASH_EXPR('r', 'r.prev_hash')};
    INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT r.*;
    v_head.last_seq := r.seq;
    v_head.last_hash := r.hash;
    n := n + 1;
  END LOOP;
  UPDATE audit_chain SET last_seq = v_head.last_seq, last_hash = v_head.last_hash;
  RETURN n;
END $$`;
