/**
 * ledger_post_batch() version 4: v3, and every posting's audit event written with it. Frozen with
 * the migration that creates it (1795510000000-PostingAuditEvents): a change is a new version file
 * and a new migration.
 *
 * Version 3's audit events came from the HTTP middleware, buffered for up to 100 ms after the
 * answer and written by another statement: a crash in that window lost the events of postings that
 * were acknowledged and committed. Now each successful posting inserts its audit event in the same
 * statement (one INSERT … SELECT for the batch, as for the other tables): a posting and its event
 * commit or roll back together. The events are written unsealed (no lock on the chain head on the
 * posting path); audit_seal() chains them like any other unsealed row. Refusals and replays write
 * no event here: the middleware records those requests as before.
 *
 *   p_requests   as in v3 (elements 0–12 below, same meaning, same checks and codes), and
 *     13 audit      optional: the audit facts of the request the posting belongs to, an object keyed
 *                   by audit_events' column names (login_id, role, action, target_type, target_id,
 *                   target_holder_id, status, request_id, client_ip, summary), as the middleware
 *                   records them (src/modules/audit/audit.service.ts). Absent or null (a posting
 *                   made outside a request, or a caller that passes none): action 'ledger.<type>',
 *                   target the source account, status 0 (no HTTP request), login and role read from
 *                   logins, summary.posting naming what moved.
 *
 * Each event: at = the posting's time, login_uuid = the initiator, outcome 'ok', and summary.before /
 * summary.after = {account, balance} of the source account before and after, after.transactionId =
 * the transaction (the shape the middleware wrote for a posting; `audit:verify` finds a
 * transaction's event by summary.after.transactionId). Everything else as in v3:
 *
 *   p_requests   a JSON array; each element is the array of a posting's arguments in order,
 *                JSON null for SQL NULL:
 *     0 kind         'transfer' (the type follows the destination: AST-2 retirement, AST-101
 *                    cancellation, AST-201 offset, else transfer), 'issuance', 'correction' or
 *                    'expiry'
 *     1,2 from, to   account numbers (issuance: from is ignored, AST-1 is used)
 *     3 quantity     whole positive JAA (issuance, expiry: ignored, computed)
 *     4 initiator    the login; 5 holder / 6 participant what it acts for; 7 secretariat its role
 *     8,9 key, hash  Idempotency-Key and the request's hash (null: no idempotency)
 *     10 phase       the vintage code a posting is about: issuance the one issued, retirement the
 *                    one it counts toward, expiry the one that expires
 *     11 reason      a correction's mandatory reason
 *     12 vintage     the vintage of the units to move (optional: else oldest first); a credit
 *                    correction's vintage (required)
 *
 * Units: an account's balance is made of blocks of serials (unit_blocks). A posting takes whole or
 * split blocks from the source in order: oldest vintage (rank, then id), lowest serial first —
 * only units it may move: a retirement toward phase P takes units of P's vintage and banked units
 * of earlier vintages; a compliance account's transfer, cancellation, offset or debit correction
 * leaves in each vintage at least its commitment reserve (max(0, issued − reduction target −
 * retired), rounded up, until the vintage's reserve end); expiry takes every unbanked unit of its
 * vintage. Issuance and credit corrections create new serials (next_serial only grows); debit
 * corrections return units to the issuance account, whose balance is Σ its blocks − Σ serials
 * created. The result lists the ranges moved ('serials'), and so does the transaction row.
 *
 * Checks, in this order, each a refusal with its number: L-2001 quantity, L-4001 owner, L-1001
 * accounts exist, L-2002 same account, L-1002 open, L-1003 vintage exists, kind rules (L-4004,
 * L-4003, L-2004 vintage required, L-5001, L-5002, L-5003, L-5006 phase closed, L-4002), the
 * retirement's phase (L-5004 not in phase, L-5006, L-5005 vintage not accepted), then L-3001
 * balance, L-3004 eligible units, L-3002 commitment reserve, L-5007 nothing to expire; L-6001 the
 * Idempotency-Key. A refusal is a result, not an error, and writes nothing but, under an
 * Idempotency-Key, the refusal itself. Any error aborts the whole batch; the service then posts
 * each element on its own.
 *
 * As in v2, every account of the batch is locked first, in id order, and read in the same
 * statement; the batch's accounts, terms, vintages and the source accounts' blocks are held in
 * arrays; postings of one account see each other's effects in arrival order; the batch is written
 * with one statement per table. It refuses (an error: nothing is written) a batch in which an
 * account that units are taken from holds blocks that do not make up its balance, in which the
 * issuance account's blocks less the serials created are not its balance, or that leaves an
 * active commitment reserve uncovered.
 */
export const LEDGER_POST_BATCH_V4_SQL = `
CREATE OR REPLACE FUNCTION ledger_post_batch(p_requests jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_at timestamptz := now();
  -- the batch's accounts: slot i of every a_ array is one account
  a_id uuid[]; a_num text[]; a_type text[]; a_status text[]; a_name text[]; a_holder uuid[]; a_part uuid[];
  a_balance numeric[]; a_count bigint[]; a_hash text[]; a_email text[]; a_touched boolean[];
  a_bfirst int[]; a_blast int[]; a_head int[]; a_tail int[]; -- loaded blocks (a sorted range), blocks added in the batch (a list)
  a_held numeric[]; -- Σ a source's loaded blocks
  -- vintages (all of them: one per phase)
  g_id int[]; g_code text[]; g_rank int[]; g_next bigint[]; g_end timestamptz[]; g_closed boolean[]; g_dirty boolean[];
  -- compliance accounts' terms per vintage
  m_acc int[]; m_vin int[]; m_target numeric[]; m_issuable numeric[]; m_issued numeric[]; m_retired numeric[]; m_touched boolean[];
  -- blocks: loaded from the source accounts (b_id set) or added by this batch (b_id NULL)
  b_id bigint[] := '{}'; b_acc int[] := '{}'; b_vin int[] := '{}'; b_start bigint[] := '{}'; b_end bigint[] := '{}';
  b_banked boolean[] := '{}'; b_orig bigint[] := '{}'; b_next int[] := '{}';
  -- the rows written at the end, one statement per table
  t_id uuid[] := '{}'; t_type text[] := '{}'; t_from uuid[] := '{}'; t_to uuid[] := '{}'; t_qty numeric[] := '{}';
  t_initiator uuid[] := '{}'; t_key text[] := '{}'; t_phase text[] := '{}'; t_reason text[] := '{}';
  e_tx uuid[] := '{}'; e_account uuid[] := '{}'; e_seq bigint[] := '{}'; e_amount numeric[] := '{}';
  e_balance numeric[] := '{}'; e_prev text[] := '{}'; e_hash text[] := '{}';
  t_serials jsonb[] := '{}';
  n_event text[] := '{}'; n_email text[] := '{}'; n_payload jsonb[] := '{}'; n_tx uuid[] := '{}';
  v_results jsonb[] := '{}';
  -- the audit event of each posting written (slot i: transaction t_id[i])
  w_audit jsonb[] := '{}'; w_kind text[] := '{}'; w_from text[] := '{}'; w_to text[] := '{}'; w_before numeric[] := '{}';
  r jsonb; rec record;
  -- one posting
  p_kind text; p_from text; p_to text; p_quantity numeric; p_initiator uuid; p_holder uuid; p_participant uuid;
  p_secretariat boolean; p_key text; p_request_hash text; p_phase text; p_reason text; p_vintage text;
  f int; t int; vp int; vr int; mi int; i int; k int; n int;
  v_from_number text; v_type text; v_qty numeric; v_tx uuid; v_serial bigint;
  v_from_hash text; v_to_hash text; v_events text[]; v_sides int[]; v_result jsonb; v_existing record;
  v_sources text[]; v_has_compliance boolean; v_creates boolean;
  -- the allocation of one posting
  c_idx int[]; c_take bigint[]; r_vin int[]; r_free numeric[]; v_eligible numeric; v_left numeric;
  v_take numeric; v_serials jsonb; v_bad text; u_id bigint[]; u_start bigint[]; d_id bigint[];
BEGIN
  IF jsonb_typeof(p_requests) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'ledger_post_batch expects a JSON array' USING ERRCODE = '22023';
  END IF;

  -- Lock every account of the batch in id order and read them in the same statement (v2).
  SELECT coalesce(array_agg(s.id), '{}'), array_agg(s.account_number), array_agg(s.type), array_agg(s.status), array_agg(s.name),
         array_agg(s.target_holder_id), array_agg(s.trading_participant_id), array_agg(s.balance), array_agg(s.entry_count),
         array_agg(s.last_hash), array_agg(coalesce(h.contact_email_a, p.contact_email)), array_agg(false),
         array_agg(0), array_agg(-1), array_agg(0), array_agg(0), array_agg(0::numeric)
    INTO a_id, a_num, a_type, a_status, a_name, a_holder, a_part, a_balance, a_count, a_hash, a_email, a_touched,
         a_bfirst, a_blast, a_head, a_tail, a_held
    FROM (SELECT * FROM accounts
           WHERE account_number = ANY (ARRAY(
             SELECT CASE WHEN e->>0 = 'issuance' THEN 'AST-1' ELSE e->>1 END FROM jsonb_array_elements(p_requests) e
             UNION
             SELECT e->>2 FROM jsonb_array_elements(p_requests) e))
           ORDER BY id FOR UPDATE) s
    LEFT JOIN target_holders h ON h.id = s.target_holder_id
    LEFT JOIN trading_participants p ON p.id = s.trading_participant_id;

  -- What the batch needs: whether it creates serials (then the vintages are locked) and the accounts
  -- units are taken from (their blocks are loaded).
  SELECT coalesce(bool_or(e->>0 = 'issuance' OR (e->>0 = 'correction' AND e->>1 = 'AST-1')), false),
         coalesce(array_agg(DISTINCT e->>1) FILTER (WHERE e->>0 IN ('transfer', 'correction', 'expiry') AND e->>1 <> 'AST-1'), '{}')
    INTO v_creates, v_sources
    FROM jsonb_array_elements(p_requests) e;
  IF v_creates THEN
    SELECT coalesce(array_agg(id ORDER BY id), '{}'), array_agg(code ORDER BY id), array_agg(rank ORDER BY id), array_agg(next_serial ORDER BY id),
           array_agg(reserve_ends_at ORDER BY id), array_agg(closed_at IS NOT NULL ORDER BY id), array_agg(false ORDER BY id)
      INTO g_id, g_code, g_rank, g_next, g_end, g_closed, g_dirty
      FROM (SELECT * FROM ledger_vintages ORDER BY id FOR UPDATE) v;
  ELSE
    SELECT coalesce(array_agg(id ORDER BY id), '{}'), array_agg(code ORDER BY id), array_agg(rank ORDER BY id), array_agg(next_serial ORDER BY id),
           array_agg(reserve_ends_at ORDER BY id), array_agg(closed_at IS NOT NULL ORDER BY id), array_agg(false ORDER BY id)
      INTO g_id, g_code, g_rank, g_next, g_end, g_closed, g_dirty
      FROM ledger_vintages;
  END IF;

  -- The compliance accounts' terms (they are locked with their accounts).
  v_has_compliance := 'compliance' = ANY (a_type);
  IF v_has_compliance THEN
    SELECT coalesce(array_agg(array_position(a_id, m.account_id)), '{}'), array_agg(array_position(g_id, m.vintage_id)),
           array_agg(m.reduction_target), array_agg(m.issuable), array_agg(m.issued), array_agg(m.retired), array_agg(false)
      INTO m_acc, m_vin, m_target, m_issuable, m_issued, m_retired, m_touched
      FROM ledger_account_vintages m WHERE m.account_id = ANY (a_id);
  ELSE
    m_acc := '{}';
  END IF;

  -- The source accounts' blocks, sorted per account in the order units are taken.
  n := 0;
  FOR rec IN
    SELECT b.id, b.account_id, b.vintage_id, b.serial_start, b.serial_end, b.banked
      FROM unit_blocks b JOIN ledger_vintages v ON v.id = b.vintage_id
     WHERE b.account_id = ANY (ARRAY(SELECT a_id[j] FROM generate_subscripts(a_id, 1) j WHERE a_num[j] = ANY (v_sources)))
     ORDER BY b.account_id, v.rank, v.id, b.serial_start
  LOOP
    n := n + 1;
    k := array_position(a_id, rec.account_id);
    IF a_bfirst[k] = 0 THEN a_bfirst[k] := n; END IF;
    a_blast[k] := n;
    b_id[n] := rec.id; b_acc[n] := k; b_vin[n] := array_position(g_id, rec.vintage_id); b_start[n] := rec.serial_start;
    b_end[n] := rec.serial_end; b_banked[n] := rec.banked; b_orig[n] := rec.serial_start; b_next[n] := 0;
    a_held[k] := a_held[k] + (rec.serial_end - rec.serial_start + 1);
  END LOOP;
  -- a source's blocks must make up its balance before anything moves
  FOR j IN 1..coalesce(cardinality(a_id), 0) LOOP
    IF a_num[j] = ANY (v_sources) AND a_held[j] <> a_balance[j] THEN
      RAISE EXCEPTION 'ledger_post_batch: the balance of % is not the sum of its unit blocks', a_num[j] USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;

  -- in the array's order: results are matched to their callers by position
  FOR r IN SELECT e.value FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
    p_kind := r->>0; p_from := r->>1; p_to := r->>2; p_quantity := (r->>3)::numeric; p_initiator := (r->>4)::uuid;
    p_holder := (r->>5)::uuid; p_participant := (r->>6)::uuid; p_secretariat := (r->>7)::boolean;
    p_key := r->>8; p_request_hash := r->>9; p_phase := r->>10; p_reason := r->>11; p_vintage := r->>12;
    IF p_kind IS NULL OR p_kind NOT IN ('transfer', 'issuance', 'correction', 'expiry') THEN
      RAISE EXCEPTION 'ledger_post_batch: unknown kind %', coalesce(p_kind, 'NULL') USING ERRCODE = '22023';
    END IF;
    v_from_number := CASE WHEN p_kind = 'issuance' THEN 'AST-1' ELSE p_from END;
    v_result := NULL;

    IF p_key IS NOT NULL THEN
      INSERT INTO ledger_idempotency_keys (initiator_id, idempotency_key, request_hash, result)
      VALUES (p_initiator, p_key, p_request_hash, '{"pending": true}')
      ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        SELECT request_hash, result INTO v_existing FROM ledger_idempotency_keys
         WHERE initiator_id = p_initiator AND idempotency_key = p_key;
        IF v_existing.request_hash <> p_request_hash THEN
          v_results := v_results || jsonb_build_object('ok', false, 'code', 'IDEMPOTENCY_KEY_REUSED', 'check', 'L-6001', 'details', '{}'::jsonb);
        ELSE
          v_results := v_results || (v_existing.result || jsonb_build_object('replayed', true));
        END IF;
        CONTINUE;
      END IF;
    END IF;

    f := array_position(a_num, v_from_number);
    t := array_position(a_num, p_to);
    vp := CASE WHEN p_phase IS NULL THEN NULL ELSE array_position(g_code, p_phase) END;
    vr := CASE WHEN p_vintage IS NULL THEN NULL ELSE array_position(g_code, p_vintage) END;
    mi := NULL;
    c_idx := '{}'; c_take := '{}';
    <<checks>>
    BEGIN
      -- L-2001: whole positive quantities (issuance and expiry compute their own)
      IF p_kind NOT IN ('issuance', 'expiry') AND NOT coalesce(p_quantity > 0 AND p_quantity < 1e20 AND scale(p_quantity) = 0, false) THEN
        v_result := jsonb_build_object('ok', false, 'code', 'QUANTITY_NOT_WHOLE_POSITIVE', 'check', 'L-2001', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;

      -- L-4001 first, for transfers: the caller is login A of the source account (or its
      -- participant); the secretariat may also run cancellations and offsets.
      IF p_kind = 'transfer' AND NOT coalesce(
           a_id[f] IS NOT NULL AND (
             (p_holder IS NOT NULL AND a_holder[f] = p_holder)
             OR (p_participant IS NOT NULL AND a_part[f] = p_participant)
             OR (p_secretariat AND a_type[t] IN ('cancellation', 'offset'))), false) THEN
        v_result := jsonb_build_object('ok', false, 'code', 'NOT_ACCOUNT_OWNER', 'check', 'L-4001', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;

      -- L-1001 / L-2002 / L-1002: accounts exist, differ, are open
      IF a_id[f] IS NULL OR a_id[t] IS NULL THEN
        v_result := jsonb_build_object('ok', false, 'code', 'ACCOUNT_NOT_FOUND', 'check', 'L-1001',
          'details', jsonb_build_object('accountNumber', CASE WHEN a_id[f] IS NULL THEN v_from_number ELSE p_to END));
        EXIT checks;
      END IF;
      IF f = t THEN
        v_result := jsonb_build_object('ok', false, 'code', 'SAME_ACCOUNT', 'check', 'L-2002', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;
      -- (units expire at phase close from a blocked account too: expiry is the scheme's rule, not a movement by its holder)
      IF (a_status[f] <> 'open' AND p_kind <> 'expiry') OR a_status[t] <> 'open' THEN
        v_result := jsonb_build_object('ok', false, 'code', 'ACCOUNT_NOT_OPEN', 'check', 'L-1002',
          'details', jsonb_build_object('accountNumber', CASE WHEN a_status[f] <> 'open' THEN a_num[f] ELSE a_num[t] END));
        EXIT checks;
      END IF;
      -- L-1003: the vintages named exist
      IF (p_phase IS NOT NULL AND vp IS NULL) OR (p_vintage IS NOT NULL AND vr IS NULL) THEN
        v_result := jsonb_build_object('ok', false, 'code', 'VINTAGE_NOT_FOUND', 'check', 'L-1003',
          'details', jsonb_build_object('vintage', CASE WHEN p_phase IS NOT NULL AND vp IS NULL THEN p_phase ELSE p_vintage END));
        EXIT checks;
      END IF;

      -- L-4004: issuance, corrections and expiry are the secretariat's
      IF p_kind <> 'transfer' AND NOT p_secretariat THEN
        v_result := jsonb_build_object('ok', false, 'code', 'NOT_PERMITTED', 'check', 'L-4004', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;

      IF p_kind = 'issuance' THEN
        v_type := 'issuance';
        IF a_type[t] <> 'compliance' THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        FOR j IN 1..coalesce(cardinality(m_acc), 0) LOOP
          IF m_acc[j] = t AND m_vin[j] = vp THEN mi := j; END IF;
        END LOOP;
        IF vp IS NULL OR mi IS NULL OR m_issuable[mi] IS NULL THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NO_COMPLIANCE_TERMS', 'check', 'L-5001', 'details', jsonb_build_object('phase', p_phase));
          EXIT checks;
        END IF;
        IF m_issued[mi] > 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'ALREADY_ISSUED', 'check', 'L-5002', 'details', jsonb_build_object('phase', p_phase));
          EXIT checks;
        END IF;
        v_qty := m_issuable[mi];
        IF v_qty <= 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NOTHING_TO_ISSUE', 'check', 'L-5003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF g_closed[vp] THEN
          v_result := jsonb_build_object('ok', false, 'code', 'PHASE_CLOSED', 'check', 'L-5006', 'details', jsonb_build_object('phase', p_phase));
          EXIT checks;
        END IF;
      ELSIF p_kind = 'correction' THEN
        v_type := 'correction';
        v_qty := p_quantity;
        IF a_type[f] <> 'issuance' AND a_type[t] <> 'issuance' THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003',
            'details', jsonb_build_object('reason', 'a correction moves JAA between an account and the issuance account'));
          EXIT checks;
        END IF;
        IF p_reason IS NULL OR length(trim(p_reason)) = 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'REASON_REQUIRED', 'check', 'L-2003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF a_type[f] = 'issuance' AND vr IS NULL THEN
          v_result := jsonb_build_object('ok', false, 'code', 'VINTAGE_REQUIRED', 'check', 'L-2004', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF a_type[f] = 'issuance' AND g_closed[vr] THEN
          v_result := jsonb_build_object('ok', false, 'code', 'PHASE_CLOSED', 'check', 'L-5006', 'details', jsonb_build_object('phase', p_vintage));
          EXIT checks;
        END IF;
      ELSIF p_kind = 'expiry' THEN
        v_type := 'expiry';
        IF a_type[t] <> 'cancellation' OR a_type[f] NOT IN ('compliance', 'holding') THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF vp IS NULL THEN
          v_result := jsonb_build_object('ok', false, 'code', 'VINTAGE_REQUIRED', 'check', 'L-2004', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
      ELSE
        v_qty := p_quantity;
        v_type := CASE a_type[t] WHEN 'retirement' THEN 'retirement' WHEN 'cancellation' THEN 'cancellation'
                                 WHEN 'offset' THEN 'offset' WHEN 'issuance' THEN NULL ELSE 'transfer' END;
        -- L-4003: nothing is posted into the issuance account except by a correction
        IF v_type IS NULL OR a_type[f] NOT IN ('compliance', 'holding') THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        -- L-4002: retirement only from a compliance account
        IF v_type = 'retirement' AND a_type[f] <> 'compliance' THEN
          v_result := jsonb_build_object('ok', false, 'code', 'RETIREMENT_ONLY_FROM_COMPLIANCE', 'check', 'L-4002', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF v_type = 'retirement' THEN
          -- L-5004 / L-5006 / L-5005: the phase it counts toward is the holder's and open; a named
          -- vintage is that phase's or an earlier one (whose banked units it accepts)
          IF vp IS NOT NULL THEN
            FOR j IN 1..coalesce(cardinality(m_acc), 0) LOOP
              IF m_acc[j] = f AND m_vin[j] = vp THEN mi := j; END IF;
            END LOOP;
          END IF;
          IF mi IS NULL THEN
            v_result := jsonb_build_object('ok', false, 'code', 'NOT_IN_PHASE', 'check', 'L-5004', 'details', jsonb_build_object('phase', p_phase));
            EXIT checks;
          END IF;
          IF g_closed[vp] THEN
            v_result := jsonb_build_object('ok', false, 'code', 'PHASE_CLOSED', 'check', 'L-5006', 'details', jsonb_build_object('phase', p_phase));
            EXIT checks;
          END IF;
          IF vr IS NOT NULL AND vr <> vp AND (g_rank[vr], g_id[vr]) > (g_rank[vp], g_id[vp]) THEN
            v_result := jsonb_build_object('ok', false, 'code', 'VINTAGE_NOT_ACCEPTED', 'check', 'L-5005',
              'details', jsonb_build_object('phase', p_phase, 'vintage', p_vintage));
            EXIT checks;
          END IF;
        END IF;
      END IF;

      -- The units to take from a source that holds blocks (not for issuance or credit corrections).
      IF a_type[f] <> 'issuance' THEN
        -- L-3001: enough JAA at all
        IF p_kind <> 'expiry' AND a_balance[f] < v_qty THEN
          v_result := jsonb_build_object('ok', false, 'code', 'INSUFFICIENT_BALANCE', 'check', 'L-3001',
            'details', jsonb_build_object('balance', a_balance[f]::text, 'requested', v_qty::text));
          EXIT checks;
        END IF;
        -- the source's blocks in taking order: the loaded ones are sorted; blocks it received in
        -- this batch are merged in by sorting the whole candidate list
        IF a_bfirst[f] > 0 THEN
          FOR j IN a_bfirst[f]..a_blast[f] LOOP c_idx := c_idx || j; END LOOP;
        END IF;
        IF a_head[f] > 0 THEN
          k := a_head[f];
          WHILE k > 0 LOOP c_idx := c_idx || k; k := b_next[k]; END LOOP;
          c_idx := ARRAY(SELECT x.i FROM unnest(c_idx) AS x(i)
                          ORDER BY g_rank[b_vin[x.i]], g_id[b_vin[x.i]], b_start[x.i]);
        END IF;
        -- the commitment reserves that bind this posting (per vintage: −reserve, + holdings below)
        r_vin := '{}'; r_free := '{}';
        IF a_type[f] = 'compliance' AND v_type NOT IN ('retirement', 'expiry') THEN
          FOR j IN 1..coalesce(cardinality(m_acc), 0) LOOP
            IF m_acc[j] = f AND g_end[m_vin[j]] >= v_at AND m_issued[j] - m_target[j] - m_retired[j] > 0 THEN
              r_vin := r_vin || m_vin[j];
              r_free := r_free || -ceil(m_issued[j] - m_target[j] - m_retired[j]);
            END IF;
          END LOOP;
        END IF;
        IF vr IS NULL AND v_type NOT IN ('retirement', 'expiry') AND cardinality(r_vin) = 0 THEN
          v_eligible := a_balance[f]; -- every unit may go: no pass over the blocks needed
        ELSE
          v_eligible := 0;
          FOR j IN 1..coalesce(cardinality(c_idx), 0) LOOP
            k := c_idx[j];
            IF b_start[k] > b_end[k] THEN CONTINUE; END IF;
            i := CASE WHEN cardinality(r_vin) > 0 THEN array_position(r_vin, b_vin[k]) END;
            IF i IS NOT NULL THEN r_free[i] := r_free[i] + (b_end[k] - b_start[k] + 1); END IF;
            IF (vr IS NULL OR b_vin[k] = vr)
               AND (v_type <> 'retirement' OR b_vin[k] = vp OR (b_banked[k] AND (g_rank[b_vin[k]], g_id[b_vin[k]]) < (g_rank[vp], g_id[vp])))
               AND (v_type <> 'expiry' OR (b_vin[k] = vp AND NOT b_banked[k])) THEN
              v_eligible := v_eligible + (b_end[k] - b_start[k] + 1);
            ELSE
              c_idx[j] := 0; -- not a candidate
            END IF;
          END LOOP;
        END IF;
        IF p_kind = 'expiry' THEN
          v_qty := v_eligible;
          IF v_qty = 0 THEN
            v_result := jsonb_build_object('ok', false, 'code', 'NOTHING_TO_EXPIRE', 'check', 'L-5007', 'details', jsonb_build_object('phase', p_phase));
            EXIT checks;
          END IF;
        END IF;
        -- L-3004: enough units of the vintages this posting may move
        IF v_eligible < v_qty THEN
          v_result := jsonb_build_object('ok', false, 'code', 'INSUFFICIENT_ELIGIBLE_UNITS', 'check', 'L-3004',
            'details', jsonb_build_object('eligible', v_eligible::text, 'requested', v_qty::text,
                                          'vintage', p_vintage, 'phase', p_phase));
          EXIT checks;
        END IF;
        -- take them in order; L-3002: no vintage below its commitment reserve
        v_left := v_qty;
        FOR j IN 1..coalesce(cardinality(c_idx), 0) LOOP
          EXIT WHEN v_left = 0;
          k := c_idx[j];
          IF k = 0 OR b_start[k] > b_end[k] THEN CONTINUE; END IF;
          v_take := least(v_left, b_end[k] - b_start[k] + 1);
          i := CASE WHEN cardinality(r_vin) > 0 THEN array_position(r_vin, b_vin[k]) END;
          IF i IS NOT NULL THEN
            v_take := least(v_take, greatest(r_free[i], 0));
            r_free[i] := r_free[i] - v_take;
          END IF;
          IF v_take > 0 THEN
            c_take := c_take || k || v_take::bigint;
            v_left := v_left - v_take;
          END IF;
        END LOOP;
        IF v_left > 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'COMMITMENT_RESERVE_VIOLATION', 'check', 'L-3002',
            'details', jsonb_build_object('commitmentReserve', (
                SELECT coalesce(sum(ceil(m_issued[j] - m_target[j] - m_retired[j])), 0)::text FROM generate_subscripts(m_acc, 1) j
                 WHERE m_acc[j] = f AND g_end[m_vin[j]] >= v_at AND m_issued[j] - m_target[j] - m_retired[j] > 0),
              'available', (v_qty - v_left)::text, 'requested', v_qty::text));
          EXIT checks;
        END IF;
      END IF;
    END checks;

    IF v_result IS NULL THEN
      v_tx := gen_random_uuid();
      v_serials := '[]'::jsonb;
      -- the units: created (issuance, credit correction) or taken from the source's blocks
      IF a_type[f] = 'issuance' THEN
        k := CASE WHEN p_kind = 'issuance' THEN vp ELSE vr END;
        v_serial := g_next[k];
        g_next[k] := g_next[k] + v_qty::bigint; g_dirty[k] := true;
        c_take := ARRAY[-k, v_serial, v_qty::bigint]; -- marker: a new range of vintage k
      END IF;
      i := 1;
      WHILE i <= coalesce(cardinality(c_take), 0) LOOP
        DECLARE s bigint; e bigint; vin int; bk boolean;
        BEGIN
          IF c_take[i] < 0 THEN
            vin := -c_take[i]; s := c_take[i + 1]; e := c_take[i + 1] + c_take[i + 2] - 1; bk := false; i := i + 3;
          ELSE
            k := c_take[i]; vin := b_vin[k]; s := b_start[k]; e := b_start[k] + c_take[i + 1] - 1; bk := b_banked[k]; i := i + 2;
            b_start[k] := e + 1;
          END IF;
          v_serials := v_serials || jsonb_build_object('vintage', g_code[vin], 'from', s::text, 'to', e::text, 'banked', bk);
          -- into the destination: extend its last block of this batch when contiguous, else a new one
          k := a_tail[t];
          IF k > 0 AND b_vin[k] = vin AND b_banked[k] = bk AND b_end[k] + 1 = s AND b_start[k] <= b_end[k] THEN
            b_end[k] := e;
          ELSE
            n := coalesce(cardinality(b_id), 0) + 1;
            b_id[n] := NULL; b_acc[n] := t; b_vin[n] := vin; b_start[n] := s; b_end[n] := e; b_banked[n] := bk; b_orig[n] := NULL; b_next[n] := 0;
            IF a_tail[t] > 0 THEN b_next[a_tail[t]] := n; ELSE a_head[t] := n; END IF;
            a_tail[t] := n;
          END IF;
        END;
      END LOOP;

      t_id := t_id || v_tx; t_type := t_type || v_type; t_from := t_from || a_id[f]; t_to := t_to || a_id[t];
      t_qty := t_qty || v_qty; t_initiator := t_initiator || p_initiator; t_key := t_key || p_key;
      t_phase := t_phase || CASE WHEN v_type IN ('issuance', 'retirement', 'expiry') THEN p_phase END;
      t_reason := t_reason || p_reason; t_serials := t_serials || v_serials;
      w_audit := w_audit || CASE WHEN jsonb_typeof(r->13) = 'object' THEN r->13 END;
      w_kind := w_kind || v_type; w_from := w_from || a_num[f]; w_to := w_to || a_num[t]; w_before := w_before || a_balance[f];

      v_from_hash := encode(sha256(convert_to(concat_ws('|', coalesce(a_hash[f], ''), a_id[f], a_count[f] + 1, -v_qty, a_balance[f] - v_qty, v_tx), 'UTF8')), 'hex');
      v_to_hash := encode(sha256(convert_to(concat_ws('|', coalesce(a_hash[t], ''), a_id[t], a_count[t] + 1, v_qty, a_balance[t] + v_qty, v_tx), 'UTF8')), 'hex');
      e_tx := e_tx || v_tx || v_tx; e_account := e_account || a_id[f] || a_id[t];
      e_seq := e_seq || (a_count[f] + 1) || (a_count[t] + 1); e_amount := e_amount || -v_qty || v_qty;
      e_balance := e_balance || (a_balance[f] - v_qty) || (a_balance[t] + v_qty);
      e_prev := e_prev || a_hash[f] || a_hash[t]; e_hash := e_hash || v_from_hash || v_to_hash;

      -- Outbox: both sides of a transfer, the source of a retirement / cancellation / offset /
      -- expiry, the receiver of an issuance; email A (holders) or the participant's contact.
      v_events := ARRAY[
        CASE v_type WHEN 'transfer' THEN 'transfer.out' WHEN 'issuance' THEN NULL WHEN 'expiry' THEN 'jaa.expired'
                    WHEN 'correction' THEN CASE WHEN a_type[f] = 'issuance' THEN NULL ELSE 'correction' END
                    ELSE v_type END,
        CASE v_type WHEN 'transfer' THEN 'transfer.in' WHEN 'issuance' THEN 'jaa.issued'
                    WHEN 'correction' THEN CASE WHEN a_type[t] = 'issuance' THEN NULL ELSE 'correction' END
                    ELSE NULL END];
      v_sides := ARRAY[f, t];
      FOR j IN 1..2 LOOP
        IF v_events[j] IS NOT NULL AND a_email[v_sides[j]] IS NOT NULL THEN
          n_event := n_event || v_events[j]; n_email := n_email || a_email[v_sides[j]]; n_tx := n_tx || v_tx;
          n_payload := n_payload || jsonb_build_object('transactionId', v_tx, 'accountNumber', a_num[v_sides[j]],
            'accountName', a_name[v_sides[j]], 'quantity', v_qty::text, 'counterparty', a_num[v_sides[3 - j]],
            'phase', p_phase, 'at', to_char(v_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI "JST"'));
        END IF;
      END LOOP;

      v_result := jsonb_build_object('ok', true, 'transactionId', v_tx, 'type', v_type, 'status', 'completed',
        'fromAccount', a_num[f], 'toAccount', a_num[t], 'quantity', v_qty::text, 'phase', t_phase[cardinality(t_phase)],
        'serials', v_serials,
        'fromBalanceAfter', (a_balance[f] - v_qty)::text, 'createdAt', to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

      -- the accounts and terms as the next posting of this batch sees them (stored as numeric(20,0))
      a_balance[f] := (a_balance[f] - v_qty)::numeric(20,0); a_count[f] := a_count[f] + 1; a_hash[f] := v_from_hash;
      a_balance[t] := (a_balance[t] + v_qty)::numeric(20,0); a_count[t] := a_count[t] + 1; a_hash[t] := v_to_hash;
      IF v_type = 'retirement' THEN m_retired[mi] := (m_retired[mi] + v_qty)::numeric(20,0); m_touched[mi] := true; END IF;
      IF v_type = 'issuance' THEN m_issued[mi] := (m_issued[mi] + v_qty)::numeric(20,0); m_touched[mi] := true; END IF;
      a_touched[f] := true; a_touched[t] := true;
    END IF;

    IF p_key IS NOT NULL THEN
      UPDATE ledger_idempotency_keys SET result = v_result WHERE initiator_id = p_initiator AND idempotency_key = p_key;
    END IF;
    v_results := v_results || v_result;
  END LOOP;

  IF cardinality(t_id) > 0 THEN
    PERFORM set_config('ledger.posting', 'on', true);
    INSERT INTO ledger_transactions (id, type, from_account_id, to_account_id, quantity, initiator_id, idempotency_key, phase, reason, serials, created_at)
    SELECT x.id, x.type, x.from_id, x.to_id, x.qty, x.initiator, x.key, x.phase, x.reason, x.serials, v_at
      FROM unnest(t_id, t_type, t_from, t_to, t_qty, t_initiator, t_key, t_phase, t_reason, t_serials) WITH ORDINALITY
           AS x(id, type, from_id, to_id, qty, initiator, key, phase, reason, serials, n)
     ORDER BY x.n;
    INSERT INTO ledger_entries (transaction_id, account_id, seq, amount, balance_after, prev_hash, hash, created_at)
    SELECT x.tx, x.account_id, x.seq, x.amount, x.balance, x.prev, x.hash, v_at
      FROM unnest(e_tx, e_account, e_seq, e_amount, e_balance, e_prev, e_hash) WITH ORDINALITY
           AS x(tx, account_id, seq, amount, balance, prev, hash, n)
     ORDER BY x.n;
    UPDATE accounts a
       SET balance = x.balance, entry_count = x.entry_count, last_hash = x.hash
      FROM unnest(a_id, a_balance, a_count, a_hash, a_touched) AS x(id, balance, entry_count, hash, touched)
     WHERE a.id = x.id AND x.touched;
    IF true = ANY (m_touched) THEN
      UPDATE ledger_account_vintages m
         SET issued = x.issued, retired = x.retired
        FROM unnest(m_acc, m_vin, m_issued, m_retired, m_touched) AS x(acc, vin, issued, retired, touched)
       WHERE x.touched AND m.account_id = a_id[x.acc] AND m.vintage_id = g_id[x.vin];
    END IF;
    IF true = ANY (g_dirty) THEN
      UPDATE ledger_vintages v SET next_serial = x.next
        FROM unnest(g_id, g_next, g_dirty) AS x(id, next, dirty) WHERE x.dirty AND v.id = x.id;
    END IF;
    -- the blocks: loaded ones used up or shortened, new ones (that were not used up in the batch)
    u_id := '{}'; u_start := '{}'; d_id := '{}';
    FOR j IN 1..coalesce(cardinality(b_id), 0) LOOP
      IF b_id[j] IS NOT NULL AND b_start[j] > b_end[j] THEN
        d_id := d_id || b_id[j];
      ELSIF b_id[j] IS NOT NULL AND b_start[j] <> b_orig[j] THEN
        u_id := u_id || b_id[j]; u_start := u_start || b_start[j];
      END IF;
    END LOOP;
    IF cardinality(d_id) > 0 THEN
      DELETE FROM unit_blocks b WHERE b.id = ANY (d_id);
    END IF;
    IF cardinality(u_id) > 0 THEN
      UPDATE unit_blocks b SET serial_start = x.s FROM unnest(u_id, u_start) AS x(id, s) WHERE b.id = x.id;
    END IF;
    INSERT INTO unit_blocks (account_id, vintage_id, serial_start, serial_end, banked)
    SELECT a_id[b_acc[j]], g_id[b_vin[j]], b_start[j], b_end[j], b_banked[j]
      FROM generate_subscripts(b_id, 1) j WHERE b_id[j] IS NULL AND b_start[j] <= b_end[j] ORDER BY j;
    PERFORM set_config('ledger.posting', 'off', true);
    INSERT INTO notifications (event, event_key, recipients, payload, message_id, subject_type, subject_id)
    SELECT x.event, x.event || ':' || x.tx, ARRAY[x.email], x.payload, '<' || gen_random_uuid()::text || '@asset-registry>',
           'ledger_transaction', x.tx
      FROM unnest(n_event, n_email, n_payload, n_tx) WITH ORDINALITY AS x(event, email, payload, tx, n)
     ORDER BY x.n;

    -- One audit event per posting, in the posting's statement (unsealed: audit_seal() chains it).
    INSERT INTO audit_events (at, login_uuid, login_id, role, action, target_type, target_id, target_holder_id, outcome, status, request_id, client_ip, summary)
    SELECT v_at, x.initiator,
           CASE WHEN x.f IS NULL THEN (SELECT l.login_id FROM logins l WHERE l.id = x.initiator) ELSE x.f->>'login_id' END,
           CASE WHEN x.f IS NULL THEN (SELECT l.role FROM logins l WHERE l.id = x.initiator) ELSE x.f->>'role' END,
           coalesce(x.f->>'action', 'ledger.' || x.kind),
           CASE WHEN x.f IS NULL THEN 'accounts' ELSE x.f->>'target_type' END,
           CASE WHEN x.f IS NULL THEN x.from_num ELSE x.f->>'target_id' END,
           (x.f->>'target_holder_id')::uuid,
           'ok', coalesce((x.f->>'status')::int, 0), x.f->>'request_id', x.f->>'client_ip',
           coalesce(x.f->'summary', jsonb_build_object('posting', jsonb_build_object('type', x.kind, 'toAccount', x.to_num, 'quantity', x.qty::text)))
             || jsonb_build_object(
                  'before', coalesce(x.f->'summary'->'before', '{}') || jsonb_build_object('account', x.from_num, 'balance', x.before::text),
                  'after', coalesce(x.f->'summary'->'after', '{}') || jsonb_build_object('account', x.from_num, 'balance', (x.before - x.qty)::text, 'transactionId', x.tx))
      FROM unnest(t_id, t_initiator, t_qty, w_audit, w_kind, w_from, w_to, w_before) WITH ORDINALITY
           AS x(tx, initiator, qty, f, kind, from_num, to_num, before, n)
     ORDER BY x.n;

    -- The books as written: the issuance account's balance is its blocks less every serial created
    -- (sources were checked as loaded; every account is checked whenever units leave it, and by
    -- ledger:verify); every active commitment reserve is held.
    IF a_touched[array_position(a_type, 'issuance')] THEN
      SELECT x.num INTO v_bad
        FROM unnest(a_id, a_num, a_type, a_balance) AS x(id, num, type, balance)
       WHERE x.type = 'issuance'
         AND x.balance <> coalesce((SELECT sum(b.serial_end - b.serial_start + 1) FROM unit_blocks b WHERE b.account_id = x.id), 0)
             - (SELECT coalesce(sum(v.next_serial - 1), 0) FROM ledger_vintages v);
      IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'ledger_post_batch: the balance of % is not the sum of its unit blocks', v_bad USING ERRCODE = 'check_violation';
      END IF;
    END IF;
    IF v_has_compliance THEN
      SELECT a.account_number INTO v_bad
        FROM ledger_account_vintages m JOIN ledger_vintages v ON v.id = m.vintage_id JOIN accounts a ON a.id = m.account_id
       WHERE m.account_id = ANY (ARRAY(SELECT a_id[j] FROM generate_subscripts(a_id, 1) j WHERE a_touched[j] AND a_type[j] = 'compliance'))
         AND v.reserve_ends_at >= v_at AND m.issued - m.reduction_target - m.retired > 0
         AND coalesce((SELECT sum(b.serial_end - b.serial_start + 1) FROM unit_blocks b WHERE b.account_id = m.account_id AND b.vintage_id = m.vintage_id), 0)
             < ceil(m.issued - m.reduction_target - m.retired)
       LIMIT 1;
      IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'ledger_post_batch: % holds less than its commitment reserve', v_bad USING ERRCODE = 'check_violation';
      END IF;
    END IF;
  END IF;
  RETURN to_jsonb(v_results);
END
$fn$`;

/**
 * ledger_post() version 4: one posting, as a batch of one; v3's thirteen arguments and the audit
 * facts (element 13 of a batch's request; optional, so v3's calls still work).
 */
export const LEDGER_POST_V4_SQL = `
CREATE OR REPLACE FUNCTION ledger_post(
  p_kind text, p_from text, p_to text, p_quantity numeric,
  p_initiator uuid, p_holder uuid, p_participant uuid, p_secretariat boolean,
  p_key text, p_request_hash text, p_phase text, p_reason text, p_vintage text,
  p_audit jsonb DEFAULT NULL
) RETURNS jsonb LANGUAGE sql AS $fn$
  SELECT ledger_post_batch(jsonb_build_array(jsonb_build_array(
    p_kind, p_from, p_to, p_quantity::text, p_initiator, p_holder, p_participant, p_secretariat,
    p_key, p_request_hash, p_phase, p_reason, p_vintage, p_audit))) -> 0
$fn$`;
