/**
 * ledger_post() version 1: every movement of JAA, in one round trip. Frozen with the migration
 * that creates it: a change is a new version file and a new migration.
 *
 *   p_kind        'transfer' (the type follows the destination: AST-2 retirement, AST-101
 *                 cancellation, AST-201 offset, else transfer), 'issuance' or 'correction'
 *   p_from/p_to   account numbers (issuance: p_from is ignored, AST-1 is used)
 *   p_quantity    whole positive JAA (issuance: ignored, floor(base − target) is issued)
 *   p_initiator   the login; p_holder / p_participant what it acts for; p_secretariat its role
 *   p_key, p_request_hash   Idempotency-Key and the request's hash (NULL: no idempotency)
 *   p_phase       issuance: the phase; p_reason: correction's mandatory reason
 *
 * Returns {ok: true, transactionId, type, …} or {ok: false, code, check, details}. A refusal
 * writes nothing but, under an Idempotency-Key, the refusal itself (replayed as such).
 */
export const LEDGER_POST_SQL = `
CREATE FUNCTION ledger_post(
  p_kind text, p_from text, p_to text, p_quantity numeric,
  p_initiator uuid, p_holder uuid, p_participant uuid, p_secretariat boolean,
  p_key text, p_request_hash text, p_phase text, p_reason text
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_from accounts%ROWTYPE;
  v_to accounts%ROWTYPE;
  v_type text;
  v_qty numeric;
  v_reserve numeric;
  v_tx uuid;
  v_from_hash text;
  v_to_hash text;
  v_at timestamptz := now();
  v_result jsonb;
  v_existing record;
  v_from_number text := CASE WHEN p_kind = 'issuance' THEN 'AST-1' ELSE p_from END;

BEGIN
  IF p_key IS NOT NULL THEN
    INSERT INTO ledger_idempotency_keys (initiator_id, idempotency_key, request_hash, result)
    VALUES (p_initiator, p_key, p_request_hash, '{"pending": true}')
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      -- a concurrent request with this key waited on the insert above until it committed
      SELECT request_hash, result INTO v_existing FROM ledger_idempotency_keys
       WHERE initiator_id = p_initiator AND idempotency_key = p_key;
      IF v_existing.request_hash <> p_request_hash THEN
        RETURN jsonb_build_object('ok', false, 'code', 'IDEMPOTENCY_KEY_REUSED', 'check', 'L-6001', 'details', '{}'::jsonb);
      END IF;
      RETURN v_existing.result || jsonb_build_object('replayed', true);
    END IF;
  END IF;

  v_result := NULL;
  <<checks>>
  BEGIN
    -- L-2001: whole positive quantities (issuance computes its own)
    IF p_kind <> 'issuance' AND (p_quantity IS NULL OR p_quantity <= 0 OR p_quantity <> trunc(p_quantity)) THEN
      v_result := jsonb_build_object('ok', false, 'code', 'QUANTITY_NOT_WHOLE_POSITIVE', 'check', 'L-2001', 'details', '{}'::jsonb);
      EXIT checks;
    END IF;

    -- lock both accounts in a fixed order (by id) so crossing transfers cannot deadlock
    PERFORM 1 FROM accounts WHERE account_number IN (v_from_number, p_to) ORDER BY id FOR UPDATE;
    SELECT * INTO v_from FROM accounts WHERE account_number = v_from_number;
    SELECT * INTO v_to FROM accounts WHERE account_number = p_to;

    -- L-4001 first, for transfers: the caller is login A of the source account (or its
    -- participant); the secretariat may also run cancellations and offsets. Checked before
    -- anything else so that a caller learns nothing about accounts it does not own.
    IF p_kind = 'transfer' AND NOT coalesce(
         v_from.id IS NOT NULL AND (
           (p_holder IS NOT NULL AND v_from.target_holder_id = p_holder)
           OR (p_participant IS NOT NULL AND v_from.trading_participant_id = p_participant)
           OR (p_secretariat AND v_to.type IN ('cancellation', 'offset'))), false) THEN
      v_result := jsonb_build_object('ok', false, 'code', 'NOT_ACCOUNT_OWNER', 'check', 'L-4001', 'details', '{}'::jsonb);
      EXIT checks;
    END IF;

    -- L-1001 / L-2002 / L-1002: accounts exist, differ, are open
    IF v_from.id IS NULL OR v_to.id IS NULL THEN
      v_result := jsonb_build_object('ok', false, 'code', 'ACCOUNT_NOT_FOUND', 'check', 'L-1001',
        'details', jsonb_build_object('accountNumber', CASE WHEN v_from.id IS NULL THEN v_from_number ELSE p_to END));
      EXIT checks;
    END IF;
    IF v_from.id = v_to.id THEN
      v_result := jsonb_build_object('ok', false, 'code', 'SAME_ACCOUNT', 'check', 'L-2002', 'details', '{}'::jsonb);
      EXIT checks;
    END IF;
    IF v_from.status <> 'open' OR v_to.status <> 'open' THEN
      v_result := jsonb_build_object('ok', false, 'code', 'ACCOUNT_NOT_OPEN', 'check', 'L-1002',
        'details', jsonb_build_object('accountNumber', CASE WHEN v_from.status <> 'open' THEN v_from.account_number ELSE v_to.account_number END));
      EXIT checks;
    END IF;

    IF p_kind = 'issuance' THEN
      v_type := 'issuance';
      IF NOT p_secretariat THEN
        v_result := jsonb_build_object('ok', false, 'code', 'NOT_PERMITTED', 'check', 'L-4004', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;
      IF v_to.type <> 'compliance' THEN
        v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;
      IF v_to.phase IS DISTINCT FROM p_phase OR v_to.base_year_emissions IS NULL THEN
        v_result := jsonb_build_object('ok', false, 'code', 'NO_COMPLIANCE_TERMS', 'check', 'L-5001',
          'details', jsonb_build_object('phase', p_phase));
        EXIT checks;
      END IF;
      IF EXISTS (SELECT 1 FROM ledger_transactions WHERE type = 'issuance' AND to_account_id = v_to.id AND phase = p_phase) THEN
        v_result := jsonb_build_object('ok', false, 'code', 'ALREADY_ISSUED', 'check', 'L-5002', 'details', jsonb_build_object('phase', p_phase));
        EXIT checks;
      END IF;
      v_qty := floor(v_to.base_year_emissions - v_to.reduction_target);
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
      IF v_from.type <> 'issuance' AND v_to.type <> 'issuance' THEN
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
      v_type := CASE v_to.type WHEN 'retirement' THEN 'retirement' WHEN 'cancellation' THEN 'cancellation'
                               WHEN 'offset' THEN 'offset' WHEN 'issuance' THEN NULL ELSE 'transfer' END;
      -- L-4003: nothing is posted into the issuance account except by a correction
      IF v_type IS NULL OR v_from.type NOT IN ('compliance', 'holding') THEN
        v_result := jsonb_build_object('ok', false, 'code', 'DESTINATION_NOT_ALLOWED', 'check', 'L-4003', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;
      -- L-4002: retirement only from a compliance account
      IF v_type = 'retirement' AND v_from.type <> 'compliance' THEN
        v_result := jsonb_build_object('ok', false, 'code', 'RETIREMENT_ONLY_FROM_COMPLIANCE', 'check', 'L-4002', 'details', '{}'::jsonb);
        EXIT checks;
      END IF;
    END IF;

    -- L-3001: enough JAA (the issuance account alone may go below zero)
    IF v_from.type <> 'issuance' AND v_from.balance < v_qty THEN
      v_result := jsonb_build_object('ok', false, 'code', 'INSUFFICIENT_BALANCE', 'check', 'L-3001',
        'details', jsonb_build_object('balance', v_from.balance::text, 'requested', v_qty::text));
      EXIT checks;
    END IF;
    -- L-3002: the commitment reserve holds, except for retirement (which lowers it as much)
    IF v_from.type = 'compliance' AND v_type <> 'retirement' THEN
      v_reserve := greatest(0, v_from.issued - v_from.reduction_target - v_from.retired);
      IF v_from.balance - v_qty < v_reserve THEN
        v_result := jsonb_build_object('ok', false, 'code', 'COMMITMENT_RESERVE_VIOLATION', 'check', 'L-3002',
          'details', jsonb_build_object('commitmentReserve', ceil(v_reserve)::text,
                                        'available', greatest(0, v_from.balance - ceil(v_reserve))::text,
                                        'requested', v_qty::text));
        EXIT checks;
      END IF;
    END IF;
  END checks;

  IF v_result IS NULL THEN
    PERFORM set_config('ledger.posting', 'on', true);
    INSERT INTO ledger_transactions (type, from_account_id, to_account_id, quantity, initiator_id, idempotency_key, phase, reason, created_at)
    VALUES (v_type, v_from.id, v_to.id, v_qty, p_initiator, p_key,
            CASE WHEN v_type IN ('issuance', 'retirement') THEN coalesce(p_phase, v_from.phase, v_to.phase) END,
            p_reason, v_at)
    RETURNING id INTO v_tx;

    v_from_hash := encode(sha256(convert_to(concat_ws('|', coalesce(v_from.last_hash, ''), v_from.id, v_from.entry_count + 1, -v_qty, v_from.balance - v_qty, v_tx), 'UTF8')), 'hex');
    v_to_hash := encode(sha256(convert_to(concat_ws('|', coalesce(v_to.last_hash, ''), v_to.id, v_to.entry_count + 1, v_qty, v_to.balance + v_qty, v_tx), 'UTF8')), 'hex');
    INSERT INTO ledger_entries (transaction_id, account_id, seq, amount, balance_after, prev_hash, hash, created_at)
    VALUES (v_tx, v_from.id, v_from.entry_count + 1, -v_qty, v_from.balance - v_qty, v_from.last_hash, v_from_hash, v_at),
           (v_tx, v_to.id, v_to.entry_count + 1, v_qty, v_to.balance + v_qty, v_to.last_hash, v_to_hash, v_at);

    UPDATE accounts SET balance = balance - v_qty, entry_count = entry_count + 1, last_hash = v_from_hash,
           retired = retired + CASE WHEN v_type = 'retirement' THEN v_qty ELSE 0 END
     WHERE id = v_from.id;
    UPDATE accounts SET balance = balance + v_qty, entry_count = entry_count + 1, last_hash = v_to_hash,
           issued = issued + CASE WHEN v_type = 'issuance' THEN v_qty ELSE 0 END
     WHERE id = v_to.id;
    PERFORM set_config('ledger.posting', 'off', true);

    -- Outbox, in this same transaction: both sides of a transfer, the source of a retirement /
    -- cancellation / offset, the receiver of an issuance. Allowance mail goes to email A (holders)
    -- or the participant's contact, never to email B. Rendered by the dispatcher from the payload.
    INSERT INTO notifications (event, event_key, recipients, payload, message_id, subject_type, subject_id)
    SELECT n.event, n.event || ':' || v_tx, ARRAY[e.email],
           jsonb_build_object('transactionId', v_tx, 'accountNumber', n.acc, 'accountName', n.acc_name,
                              'quantity', v_qty::text, 'counterparty', n.counterparty,
                              'at', to_char(v_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI "JST"')),
           '<' || gen_random_uuid()::text || '@asset-registry>', 'ledger_transaction', v_tx
      FROM (
        SELECT CASE v_type WHEN 'transfer' THEN 'transfer.out' WHEN 'issuance' THEN NULL
                           WHEN 'correction' THEN CASE WHEN v_from.type = 'issuance' THEN NULL ELSE 'correction' END
                           ELSE v_type END AS event,
               v_from.id AS account_id, v_from.account_number AS acc, v_from.name AS acc_name, v_to.account_number AS counterparty
        UNION ALL
        SELECT CASE v_type WHEN 'transfer' THEN 'transfer.in' WHEN 'issuance' THEN 'jaa.issued'
                           WHEN 'correction' THEN CASE WHEN v_to.type = 'issuance' THEN NULL ELSE 'correction' END
                           ELSE NULL END,
               v_to.id, v_to.account_number, v_to.name, v_from.account_number
      ) n
      JOIN LATERAL (
        SELECT coalesce(h.contact_email_a, p.contact_email) AS email
          FROM accounts a
          LEFT JOIN target_holders h ON h.id = a.target_holder_id
          LEFT JOIN trading_participants p ON p.id = a.trading_participant_id
         WHERE a.id = n.account_id
      ) e ON e.email IS NOT NULL
     WHERE n.event IS NOT NULL;

    v_result := jsonb_build_object('ok', true, 'transactionId', v_tx, 'type', v_type, 'status', 'completed',
      'fromAccount', v_from.account_number, 'toAccount', v_to.account_number, 'quantity', v_qty::text,
      'fromBalanceAfter', (v_from.balance - v_qty)::text, 'createdAt', to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
  END IF;

  IF p_key IS NOT NULL THEN
    UPDATE ledger_idempotency_keys SET result = v_result WHERE initiator_id = p_initiator AND idempotency_key = p_key;
  END IF;
  RETURN v_result;
END
$fn$`;
