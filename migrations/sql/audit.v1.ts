/** The audit chain's SQL, created by its migration (frozen: a change is a new version + migration). */
export const AUDIT_HASH_EXPR = (r: string, prev: string) => `encode(sha256(convert_to(concat_ws('|',
  coalesce(${prev}, ''), ${r}.id, to_char(${r}.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
  coalesce(${r}.login_uuid::text, ''), coalesce(${r}.login_id, ''), coalesce(${r}.role, ''), ${r}.action,
  coalesce(${r}.target_type, ''), coalesce(${r}.target_id, ''), coalesce(${r}.target_holder_id::text, ''),
  ${r}.outcome, ${r}.status, coalesce(${r}.request_id, ''), coalesce(${r}.client_ip, ''), ${r}.summary::text), 'UTF8')), 'hex')`;

export const AUDIT_SQL_V1 = [
  `CREATE TABLE audit_chain (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), last_seq bigint NOT NULL DEFAULT 0, last_hash varchar(64))`,
  `INSERT INTO audit_chain DEFAULT VALUES`,
  // Rows are written plainly (no lock on the request path); the sealer chains them in its order.
  `CREATE FUNCTION audit_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
   DECLARE v_head audit_chain%ROWTYPE; r record; v_hash text; n integer := 0;
   BEGIN
     SELECT * INTO v_head FROM audit_chain FOR UPDATE; -- one sealer at a time
     PERFORM set_config('audit.sealing', 'on', true);
     FOR r IN SELECT * FROM audit_events WHERE hash IS NULL ORDER BY id LIMIT p_limit FOR UPDATE LOOP
       v_hash := ${AUDIT_HASH_EXPR('r', 'v_head.last_hash')};
       UPDATE audit_events SET seq = v_head.last_seq + 1, prev_hash = v_head.last_hash, hash = v_hash WHERE id = r.id;
       v_head.last_seq := v_head.last_seq + 1;
       v_head.last_hash := v_hash;
       n := n + 1;
     END LOOP;
     UPDATE audit_chain SET last_seq = v_head.last_seq, last_hash = v_head.last_hash;
     PERFORM set_config('audit.sealing', 'off', true);
     RETURN n;
   END $$`,
  // Append-only: the only update ever allowed is the seal itself, once.
  `CREATE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND coalesce(current_setting('audit.sealing', true), '') = 'on'
        AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
       RETURN NEW;
     END IF;
     RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
   END $$`,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_guard()`,
  `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION forbid_modification()`,
];
