import { AUDIT_HASH_EXPR } from './audit.v1';

/**
 * The audit chain's SQL, version 3: audit_append() seals the batch's events in memory and writes
 * them with one INSERT (version 2 ran one INSERT per event, and PostgreSQL prepares each statement's
 * executor, indexes and foreign-key checks afresh every time). Arguments, hashes and result as in
 * version 2. Frozen with its migration (a change is a new version + migration).
 *
 *   p_events  a JSON array of objects keyed by audit_events' column names (no id/seq/hashes)
 */
export const AUDIT_APPEND_V3_SQL = `
CREATE OR REPLACE FUNCTION audit_append(p_events jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_head audit_chain%ROWTYPE;
  r audit_events%ROWTYPE;
  v_rows audit_events[] := '{}';
  e jsonb;
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
    v_rows := v_rows || r;
    v_head.last_seq := r.seq;
    v_head.last_hash := r.hash;
  END LOOP;
  -- ids, seqs and hashes are set above: the order rows are inserted in does not matter
  INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM unnest(v_rows);
  UPDATE audit_chain SET last_seq = v_head.last_seq, last_hash = v_head.last_hash;
  RETURN cardinality(v_rows);
END $$`;
