import { defineErrors } from '../../core/errors/domain-error';

/** The ledger's business checks; `check` in the details is the numbered check (L-xxxx). */
export const LedgerErrors = defineErrors({
  ACCOUNT_NOT_FOUND: { status: 404, ja: '口座が見つかりません。', en: 'Account not found.' },
  ACCOUNT_NOT_OPEN: { status: 422, ja: '口座が利用できない状態です。', en: 'The account is not open.' },
  QUANTITY_NOT_WHOLE_POSITIVE: {
    status: 400,
    ja: '数量は1以上の整数で指定してください（排出枠は1t-CO2単位）。',
    en: 'The quantity must be a whole positive number of JAA.',
  },
  SAME_ACCOUNT: { status: 422, ja: '移転元と移転先が同じ口座です。', en: 'Source and destination are the same account.' },
  REASON_REQUIRED: { status: 400, ja: '理由を入力してください。', en: 'A reason is required.' },
  INSUFFICIENT_BALANCE: { status: 422, ja: '口座残高が不足しています。', en: 'Insufficient balance.' },
  COMMITMENT_RESERVE_VIOLATION: {
    status: 422,
    ja: 'コミットメントリザーブを下回るため、この移転はできません。',
    en: 'The transfer would take the account below its commitment reserve.',
  },
  NOT_ACCOUNT_OWNER: {
    status: 403,
    ja: 'この口座から移転する権限がありません。',
    en: 'Only the account holder (login A) may move JAA out of this account.',
  },
  RETIREMENT_ONLY_FROM_COMPLIANCE: {
    status: 422,
    ja: '償却は遵守口座からのみ行えます。',
    en: 'Retirement is possible only from a compliance account.',
  },
  DESTINATION_NOT_ALLOWED: {
    status: 422,
    ja: 'この口座へは移転できません。',
    en: 'JAA cannot be moved to this account.',
  },
  NOT_PERMITTED: { status: 403, ja: 'この操作は事務局のみ行えます。', en: 'Only the secretariat may do this.' },
  NO_COMPLIANCE_TERMS: {
    status: 422,
    ja: 'この期の基準年度排出量と削減目標量が登録されていません。',
    en: 'No base-year emissions and reduction target are recorded for this phase.',
  },
  ALREADY_ISSUED: { status: 409, ja: 'この期の排出枠はすでに発行されています。', en: 'JAA were already issued for this phase.' },
  NOTHING_TO_ISSUE: { status: 422, ja: '発行する排出枠がありません。', en: 'There are no JAA to issue.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    ja: '同じIdempotency-Keyが別の内容で使用されています。',
    en: 'This Idempotency-Key was used with another request.',
  },
  VINTAGE_NOT_FOUND: { status: 422, ja: '指定された期（ビンテージ）の排出枠はありません。', en: 'No such vintage.' },
  VINTAGE_REQUIRED: { status: 422, ja: '排出枠の期（ビンテージ）を指定してください。', en: 'Name the vintage of the units.' },
  INSUFFICIENT_ELIGIBLE_UNITS: {
    status: 422,
    ja: 'この操作に使える期（ビンテージ）の排出枠が不足しています。',
    en: 'Not enough units of the vintages this operation accepts.',
  },
  NOT_IN_PHASE: { status: 422, ja: 'この目標保有者はこの期に参加していません。', en: 'The holder does not take part in this phase.' },
  VINTAGE_NOT_ACCEPTED: {
    status: 422,
    ja: 'この期の償却には、当該期の排出枠またはバンキングされた以前の期の排出枠のみ使用できます。',
    en: "A retirement for this phase accepts only the phase's own units and banked units of earlier phases.",
  },
  PHASE_CLOSED: { status: 409, ja: 'この期は終了しています。', en: 'The phase is closed.' },
  NOTHING_TO_EXPIRE: { status: 422, ja: '失効する排出枠がありません。', en: 'There are no units to expire.' },
  LEDGER_OUTCOME_UNKNOWN: {
    status: 503,
    ja: '処理結果を確認できませんでした（データベースとの接続が途切れました）。移転が行われたかどうかを口座の取引履歴で確認してください。同じIdempotency-Keyで再送すれば、二重に処理されることはありません。',
    en: 'The outcome could not be confirmed (the database connection was lost). Check the account history to see whether the posting was made; a retry with the same Idempotency-Key is never posted twice.',
  },
  ACCOUNT_STATUS_FIXED: {
    status: 422,
    ja: 'システム口座（発行・償却・取消・オフセット口座）の状態は変更できません。',
    en: 'The status of a system account (issuance, retirement, cancellation, offset) cannot change.',
  },
  ACCOUNT_CLOSED: { status: 422, ja: '閉鎖された口座は再開できません。', en: 'A closed account stays closed.' },
  ACCOUNT_NOT_EMPTY: {
    status: 422,
    ja: '残高のある口座は閉鎖できません。先に排出枠を移転してください。',
    en: 'An account with a balance cannot be closed; move its JAA out first.',
  },
  LEDGER_LIMIT_EXCEEDED: {
    status: 422,
    ja: '記帳後の残高または累計が登録簿の上限（10の20乗 JAA 未満）を超えるため、記帳できません。',
    en: "The posting would take a balance or a running total beyond the registry's limit (below 10^20 JAA).",
  },
  LEDGER_BUSY: {
    status: 503,
    ja: '処理が混み合っています。時間をおいて再度お試しください。',
    en: 'The ledger is busy. Please try again.',
  },
});
