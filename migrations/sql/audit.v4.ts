import { AUDIT_HASH_EXPR } from './audit.v1';

/**
 * The audit chain's SQL, version 4: audit_seal() for the postings' events. Since
 * ledger_post_batch() v4 every posting writes its audit event unsealed in its own transaction, so
 * the sealer chains a few thousand rows every couple of seconds (it used to find almost none:
 * audit_append() seals what it writes). Version 1 updated them one statement per row and found
 * them by walking the primary key from the first event; this one finds them through a partial index
 * of the unsealed rows, chains them in memory (the same hashes, in id order, as version 1) and
 * writes them with one UPDATE. The service calls it in chunks, so no sealing transaction runs long
 * (a long one holds back PostgreSQL's cleanup of the busy accounts' rows). Arguments and result as
 * in version 1. Frozen with its migration (a change is a new version + migration).
 */
export const AUDIT_UNSEALED_INDEX_SQL = `CREATE INDEX "ix_audit_events_unsealed" ON "audit_events" ("id") WHERE "hash" IS NULL`;

export const AUDIT_SEAL_V4_SQL = `
CREATE OR REPLACE FUNCTION audit_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_head audit_chain%ROWTYPE; r record; v_hash text;
  v_ids bigint[] := '{}'; v_seqs bigint[] := '{}'; v_prevs text[] := '{}'; v_hashes text[] := '{}';
BEGIN
  SELECT * INTO v_head FROM audit_chain FOR UPDATE; -- one sealer (or writer) of the chain at a time
  FOR r IN SELECT * FROM audit_events WHERE hash IS NULL ORDER BY id LIMIT p_limit FOR UPDATE LOOP
    v_hash := ${AUDIT_HASH_EXPR('r', 'v_head.last_hash')};
    v_ids := v_ids || r.id; v_seqs := v_seqs || (v_head.last_seq + 1); v_prevs := v_prevs || v_head.last_hash; v_hashes := v_hashes || v_hash;
    v_head.last_seq := v_head.last_seq + 1;
    v_head.last_hash := v_hash;
  END LOOP;
  IF cardinality(v_ids) = 0 THEN
    RETURN 0;
  END IF;
  PERFORM set_config('audit.sealing', 'on', true);
  UPDATE audit_events e SET seq = x.seq, prev_hash = x.prev, hash = x.hash
    FROM unnest(v_ids, v_seqs, v_prevs, v_hashes) AS x(id, seq, prev, hash)
   WHERE e.id = x.id;
  PERFORM set_config('audit.sealing', 'off', true);
  UPDATE audit_chain SET last_seq = v_head.last_seq, last_hash = v_head.last_hash;
  RETURN cardinality(v_ids);
END $$`;
