/**
 * ledger_post_batch() version 2: every movement of JAA, in one round trip; several postings share
 * one commit (group commit). Frozen with the migration that creates it: a change is a new version
 * file and a new migration.
 *
 *   p_requests   a JSON array; each element is the array of a posting's twelve arguments in
 *                order, JSON null for SQL NULL:
 *     kind           'transfer' (the type follows the destination: AST-2 retirement, AST-101
 *                    cancellation, AST-201 offset, else transfer), 'issuance' or 'correction'
 *     from, to       account numbers (issuance: from is ignored, AST-1 is used)
 *     quantity       whole positive JAA (issuance: ignored, floor(base − target) is issued)
 *     initiator      the login; holder / participant what it acts for; secretariat its role
 *     key, hash      Idempotency-Key and the request's hash (null: no idempotency)
 *     phase          issuance: the phase; reason: a correction's mandatory reason
 *
 * Returns a JSON array with one result per element, in the same order: {ok: true, transactionId,
 * type, …} or {ok: false, code, check, details}. A refusal is a result, not an error, and writes
 * nothing but, under an Idempotency-Key, the refusal itself (replayed as such). Any error aborts
 * the whole batch (nothing of it is written); the service then posts each element on its own.
 *
 * Version 1 called ledger_post() once per element, i.e. ten statements per posting, and
 * PostgreSQL prepares every statement's executor, triggers and CHECK constraints afresh each time
 * (the accounts' seven CHECKs are parsed from their stored text on every UPDATE). Version 2 runs
 * the same checks, in the same order and with the same codes, against the batch's accounts held in
 * arrays, and writes the batch with one statement per table. Every account the batch touches is
 * locked first, in id order, and read in the same statement; postings of one account within a
 * batch see each other's effects in arrival order (balance, chain, issued, retired), exactly as
 * consecutive ledger_post() calls did. The hash chain expression is the one ledger:verify uses.
 * ledger_post() (v2) is this function applied to a batch of one.
 *
 * Deliberate differences from v1 (none reachable through the API, whose DTOs admit neither): an
 * unknown or NULL kind refuses the whole batch (22023; v1 let it skip the ownership check), and
 * L-2001 also refuses quantities written with decimals ('1.0': v1 posted them and their entry
 * hashes then failed ledger:verify), NaN, Infinity and anything beyond numeric(20,0).
 */
export const LEDGER_POST_BATCH_V2_SQL = `
CREATE OR REPLACE FUNCTION ledger_post_batch(p_requests jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_at timestamptz := now();
  -- the batch's accounts: slot i of every a_ array is one account
  a_id uuid[]; a_num text[]; a_type text[]; a_status text[]; a_name text[]; a_holder uuid[]; a_part uuid[];
  a_balance numeric[]; a_count bigint[]; a_hash text[]; a_issued numeric[]; a_retired numeric[];
  a_target numeric[]; a_base numeric[]; a_phase text[]; a_email text[]; a_touched boolean[];
  -- the rows written at the end, one statement per table
  t_id uuid[] := '{}'; t_type text[] := '{}'; t_from uuid[] := '{}'; t_to uuid[] := '{}'; t_qty numeric[] := '{}';
  t_initiator uuid[] := '{}'; t_key text[] := '{}'; t_phase text[] := '{}'; t_reason text[] := '{}';
  e_tx uuid[] := '{}'; e_account uuid[] := '{}'; e_seq bigint[] := '{}'; e_amount numeric[] := '{}';
  e_balance numeric[] := '{}'; e_prev text[] := '{}'; e_hash text[] := '{}';
  n_event text[] := '{}'; n_email text[] := '{}'; n_payload jsonb[] := '{}'; n_tx uuid[] := '{}';
  v_results jsonb[] := '{}';
  r jsonb;
  -- one posting
  p_kind text; p_from text; p_to text; p_quantity numeric; p_initiator uuid; p_holder uuid; p_participant uuid;
  p_secretariat boolean; p_key text; p_request_hash text; p_phase text; p_reason text;
  f int; t int; -- slots of the source and the destination (NULL: no such account)
  v_from_number text; v_type text; v_qty numeric; v_reserve numeric; v_tx uuid;
  v_from_hash text; v_to_hash text; v_events text[]; v_sides int[]; v_result jsonb; v_existing record;
BEGIN
  IF jsonb_typeof(p_requests) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'ledger_post_batch expects a JSON array' USING ERRCODE = '22023';
  END IF;

  -- Lock every account of the batch in id order (so that batches and postings running side by side
  -- cannot deadlock on accounts) and read them in the same statement. = ANY(ARRAY(…)): a handful of
  -- index lookups (an IN (subquery) may be planned as a scan of all accounts).
  SELECT coalesce(array_agg(s.id), '{}'), array_agg(s.account_number), array_agg(s.type), array_agg(s.status), array_agg(s.name),
         array_agg(s.target_holder_id), array_agg(s.trading_participant_id), array_agg(s.balance), array_agg(s.entry_count),
         array_agg(s.last_hash), array_agg(s.issued), array_agg(s.retired), array_agg(s.reduction_target),
         array_agg(s.base_year_emissions), array_agg(s.phase),
         array_agg(coalesce(h.contact_email_a, p.contact_email)), array_agg(false)
    INTO a_id, a_num, a_type, a_status, a_name, a_holder, a_part, a_balance, a_count, a_hash, a_issued, a_retired,
         a_target, a_base, a_phase, a_email, a_touched
    FROM (SELECT * FROM accounts
           WHERE account_number = ANY (ARRAY(
             SELECT CASE WHEN e->>0 = 'issuance' THEN 'AST-1' ELSE e->>1 END FROM jsonb_array_elements(p_requests) e
             UNION
             SELECT e->>2 FROM jsonb_array_elements(p_requests) e))
           ORDER BY id FOR UPDATE) s
    LEFT JOIN target_holders h ON h.id = s.target_holder_id
    LEFT JOIN trading_participants p ON p.id = s.trading_participant_id;

  -- in the array's order: results are matched to their callers by position
  FOR r IN SELECT e.value FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
    p_kind := r->>0; p_from := r->>1; p_to := r->>2; p_quantity := (r->>3)::numeric; p_initiator := (r->>4)::uuid;
    p_holder := (r->>5)::uuid; p_participant := (r->>6)::uuid; p_secretariat := (r->>7)::boolean;
    p_key := r->>8; p_request_hash := r->>9; p_phase := r->>10; p_reason := r->>11;
    IF p_kind IS NULL OR p_kind NOT IN ('transfer', 'issuance', 'correction') THEN
      -- (v1 let any other kind skip the ownership check) a caller's error: the batch is refused
      RAISE EXCEPTION 'ledger_post_batch: unknown kind %', coalesce(p_kind, 'NULL') USING ERRCODE = '22023';
    END IF;
    v_from_number := CASE WHEN p_kind = 'issuance' THEN 'AST-1' ELSE p_from END;
    v_result := NULL;

    IF p_key IS NOT NULL THEN
      INSERT INTO ledger_idempotency_keys (initiator_id, idempotency_key, request_hash, result)
      VALUES (p_initiator, p_key, p_request_hash, '{"pending": true}')
      ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        -- an earlier posting with this key: committed (a concurrent one was waited for by the
        -- insert above) or earlier in this batch (its result is already recorded)
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
    <<checks>>
    BEGIN
      -- L-2001: whole positive quantities (issuance computes its own), written without decimals and
      -- within numeric(20,0) (v1 let '1.0' through, whose entry hashes then did not verify, and NaN)
      IF p_kind <> 'issuance' AND NOT coalesce(p_quantity > 0 AND p_quantity < 1e20 AND scale(p_quantity) = 0, false) THEN
        v_result := jsonb_build_object('ok', false, 'code', 'QUANTITY_NOT_WHOLE_POSITIVE', 'check', 'L-2001', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;

      -- L-4001 first, for transfers: the caller is login A of the source account (or its
      -- participant); the secretariat may also run cancellations and offsets. Checked before
      -- anything else so that a caller learns nothing about accounts it does not own.
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
      IF a_status[f] <> 'open' OR a_status[t] <> 'open' THEN
        v_result := jsonb_build_object('ok', false, 'code', 'ACCOUNT_NOT_OPEN', 'check', 'L-1002',
          'details', jsonb_build_object('accountNumber', CASE WHEN a_status[f] <> 'open' THEN a_num[f] ELSE a_num[t] END));
        EXIT checks;
      END IF;

      IF p_kind = 'issuance' THEN
        v_type := 'issuance';
        IF NOT p_secretariat THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NOT_PERMITTED', 'check', 'L-4004', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF a_type[t] <> 'compliance' THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF a_phase[t] IS DISTINCT FROM p_phase OR a_base[t] IS NULL THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NO_COMPLIANCE_TERMS', 'check', 'L-5001',
            'details', jsonb_build_object('phase', p_phase));
          EXIT checks;
        END IF;
        -- issued before, or earlier in this batch
        IF EXISTS (SELECT 1 FROM ledger_transactions WHERE type = 'issuance' AND to_account_id = a_id[t] AND phase = p_phase)
           OR EXISTS (SELECT 1 FROM unnest(t_type, t_to, t_phase) AS x(type, account_id, phase)
                       WHERE x.type = 'issuance' AND x.account_id = a_id[t] AND x.phase = p_phase) THEN
          v_result := jsonb_build_object('ok', false, 'code', 'ALREADY_ISSUED', 'check', 'L-5002', 'details', jsonb_build_object('phase', p_phase));
          EXIT checks;
        END IF;
        v_qty := floor(a_base[t] - a_target[t]);
        IF v_qty <= 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NOTHING_TO_ISSUE', 'check', 'L-5003', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
      ELSIF p_kind = 'correction' THEN
        v_type := 'correction';
        v_qty := p_quantity;
        IF NOT p_secretariat THEN
          v_result := jsonb_build_object('ok', false, 'code', 'NOT_PERMITTED', 'check', 'L-4004', 'details', '{}'::jsonb);
          EXIT checks;
        END IF;
        IF a_type[f] <> 'issuance' AND a_type[t] <> 'issuance' THEN
          v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003',
            'details', jsonb_build_object('reason', 'a correction moves JAA between an account and the issuance account'));
          EXIT checks;
        END IF;
        IF p_reason IS NULL OR length(trim(p_reason)) = 0 THEN
          v_result := jsonb_build_object('ok', false, 'code', 'REASON_REQUIRED', 'check', 'L-2003', 'details', '{}'::jsonb);
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
      END IF;

      -- L-3001: enough JAA (the issuance account alone may go below zero)
      IF a_type[f] <> 'issuance' AND a_balance[f] < v_qty THEN
        v_result := jsonb_build_object('ok', false, 'code', 'INSUFFICIENT_BALANCE', 'check', 'L-3001',
          'details', jsonb_build_object('balance', a_balance[f]::text, 'requested', v_qty::text));
        EXIT checks;
      END IF;
      -- L-3002: the commitment reserve holds, except for retirement (which lowers it as much)
      IF a_type[f] = 'compliance' AND v_type <> 'retirement' THEN
        v_reserve := greatest(0, a_issued[f] - a_target[f] - a_retired[f]);
        IF a_balance[f] - v_qty < v_reserve THEN
          v_result := jsonb_build_object('ok', false, 'code', 'COMMITMENT_RESERVE_VIOLATION', 'check', 'L-3002',
            'details', jsonb_build_object('commitmentReserve', ceil(v_reserve)::text,
                                          'available', greatest(0, a_balance[f] - ceil(v_reserve))::text,
                                          'requested', v_qty::text));
          EXIT checks;
        END IF;
      END IF;
    END checks;

    IF v_result IS NULL THEN
      v_tx := gen_random_uuid();
      t_id := t_id || v_tx; t_type := t_type || v_type; t_from := t_from || a_id[f]; t_to := t_to || a_id[t];
      t_qty := t_qty || v_qty; t_initiator := t_initiator || p_initiator; t_key := t_key || p_key;
      t_phase := t_phase || CASE WHEN v_type IN ('issuance', 'retirement') THEN coalesce(p_phase, a_phase[f], a_phase[t]) END;
      t_reason := t_reason || p_reason;

      v_from_hash := encode(sha256(convert_to(concat_ws('|', coalesce(a_hash[f], ''), a_id[f], a_count[f] + 1, -v_qty, a_balance[f] - v_qty, v_tx), 'UTF8')), 'hex');
      v_to_hash := encode(sha256(convert_to(concat_ws('|', coalesce(a_hash[t], ''), a_id[t], a_count[t] + 1, v_qty, a_balance[t] + v_qty, v_tx), 'UTF8')), 'hex');
      e_tx := e_tx || v_tx || v_tx; e_account := e_account || a_id[f] || a_id[t];
      e_seq := e_seq || (a_count[f] + 1) || (a_count[t] + 1); e_amount := e_amount || -v_qty || v_qty;
      e_balance := e_balance || (a_balance[f] - v_qty) || (a_balance[t] + v_qty);
      e_prev := e_prev || a_hash[f] || a_hash[t]; e_hash := e_hash || v_from_hash || v_to_hash;

      -- Outbox: both sides of a transfer, the source of a retirement / cancellation / offset, the
      -- receiver of an issuance. Allowance mail goes to email A (holders) or the participant's
      -- contact, never to email B. Rendered by the dispatcher from the payload.
      v_events := ARRAY[
        CASE v_type WHEN 'transfer' THEN 'transfer.out' WHEN 'issuance' THEN NULL
                    WHEN 'correction' THEN CASE WHEN a_type[f] = 'issuance' THEN NULL ELSE 'correction' END
                    ELSE v_type END,
        CASE v_type WHEN 'transfer' THEN 'transfer.in' WHEN 'issuance' THEN 'jaa.issued'
                    WHEN 'correction' THEN CASE WHEN a_type[t] = 'issuance' THEN NULL ELSE 'correction' END
                    ELSE NULL END];
      v_sides := ARRAY[f, t];
      FOR i IN 1..2 LOOP -- the side's slot, and the other side's (the counterparty)
        IF v_events[i] IS NOT NULL AND a_email[v_sides[i]] IS NOT NULL THEN
          n_event := n_event || v_events[i]; n_email := n_email || a_email[v_sides[i]]; n_tx := n_tx || v_tx;
          n_payload := n_payload || jsonb_build_object('transactionId', v_tx, 'accountNumber', a_num[v_sides[i]],
            'accountName', a_name[v_sides[i]], 'quantity', v_qty::text, 'counterparty', a_num[v_sides[3 - i]],
            'at', to_char(v_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI "JST"'));
        END IF;
      END LOOP;

      v_result := jsonb_build_object('ok', true, 'transactionId', v_tx, 'type', v_type, 'status', 'completed',
        'fromAccount', a_num[f], 'toAccount', a_num[t], 'quantity', v_qty::text,
        'fromBalanceAfter', (a_balance[f] - v_qty)::text, 'createdAt', to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

      -- the accounts as the next posting of this batch sees them (stored as numeric(20,0))
      a_balance[f] := (a_balance[f] - v_qty)::numeric(20,0); a_count[f] := a_count[f] + 1; a_hash[f] := v_from_hash;
      a_balance[t] := (a_balance[t] + v_qty)::numeric(20,0); a_count[t] := a_count[t] + 1; a_hash[t] := v_to_hash;
      IF v_type = 'retirement' THEN a_retired[f] := (a_retired[f] + v_qty)::numeric(20,0); END IF;
      IF v_type = 'issuance' THEN a_issued[t] := (a_issued[t] + v_qty)::numeric(20,0); END IF;
      a_touched[f] := true; a_touched[t] := true;
    END IF;

    IF p_key IS NOT NULL THEN
      UPDATE ledger_idempotency_keys SET result = v_result WHERE initiator_id = p_initiator AND idempotency_key = p_key;
    END IF;
    v_results := v_results || v_result;
  END LOOP;

  IF cardinality(t_id) > 0 THEN
    INSERT INTO ledger_transactions (id, type, from_account_id, to_account_id, quantity, initiator_id, idempotency_key, phase, reason, created_at)
    SELECT x.id, x.type, x.from_id, x.to_id, x.qty, x.initiator, x.key, x.phase, x.reason, v_at
      FROM unnest(t_id, t_type, t_from, t_to, t_qty, t_initiator, t_key, t_phase, t_reason) WITH ORDINALITY
           AS x(id, type, from_id, to_id, qty, initiator, key, phase, reason, n)
     ORDER BY x.n;
    INSERT INTO ledger_entries (transaction_id, account_id, seq, amount, balance_after, prev_hash, hash, created_at)
    SELECT x.tx, x.account_id, x.seq, x.amount, x.balance, x.prev, x.hash, v_at
      FROM unnest(e_tx, e_account, e_seq, e_amount, e_balance, e_prev, e_hash) WITH ORDINALITY
           AS x(tx, account_id, seq, amount, balance, prev, hash, n)
     ORDER BY x.n;
    PERFORM set_config('ledger.posting', 'on', true);
    UPDATE accounts a
       SET balance = x.balance, entry_count = x.entry_count, last_hash = x.hash, issued = x.issued, retired = x.retired
      FROM unnest(a_id, a_balance, a_count, a_hash, a_issued, a_retired, a_touched) AS x(id, balance, entry_count, hash, issued, retired, touched)
     WHERE a.id = x.id AND x.touched;
    PERFORM set_config('ledger.posting', 'off', true);
    INSERT INTO notifications (event, event_key, recipients, payload, message_id, subject_type, subject_id)
    SELECT x.event, x.event || ':' || x.tx, ARRAY[x.email], x.payload, '<' || gen_random_uuid()::text || '@asset-registry>',
           'ledger_transaction', x.tx
      FROM unnest(n_event, n_email, n_payload, n_tx) WITH ORDINALITY AS x(event, email, payload, tx, n)
     ORDER BY x.n;
  END IF;
  RETURN to_jsonb(v_results);
END
$fn$`;

/**
 * ledger_post() version 2: one posting, as a batch of one (the checks and writes live in
 * ledger_post_batch() alone). Arguments and result as in version 1. Unlike version 1 it locks the
 * accounts before it takes the Idempotency-Key, as batches always did.
 */
export const LEDGER_POST_V2_SQL = `
CREATE OR REPLACE FUNCTION ledger_post(
  p_kind text, p_from text, p_to text, p_quantity numeric,
  p_initiator uuid, p_holder uuid, p_participant uuid, p_secretariat boolean,
  p_key text, p_request_hash text, p_phase text, p_reason text
) RETURNS jsonb LANGUAGE sql AS $fn$
  SELECT ledger_post_batch(jsonb_build_array(jsonb_build_array(
    p_kind, p_from, p_to, p_quantity::text, p_initiator, p_holder, p_participant, p_secretariat,
    p_key, p_request_hash, p_phase, p_reason))) -> 0
$fn$`;
