import { defineErrors } from '../../core/errors/domain-error';

export const PrtrErrors = defineErrors({
  PRTR_MASTER_DATA_MISSING: {
    status: 503,
    ja: 'PRTRの対象物質リストが取り込まれていません。運用者が `npm run prtr:import -- --substances <prtr-substances.json> --industries <prtr-industries.json>` を実行してください。',
    en: 'No PRTR substance list has been imported. The operator must run `npm run prtr:import -- --substances <prtr-substances.json> --industries <prtr-industries.json>`.',
  },
  PRTR_PREFECTURE_NOT_FOUND: { status: 404, ja: '都道府県コードが見つかりません。', en: 'Prefecture code not found.' },
  PRTR_MINISTER_NOT_FOUND: { status: 404, ja: '大臣コードが見つかりません。', en: 'Minister code not found.' },
  PRTR_REGISTRATION_NOT_FOUND: { status: 404, ja: '使用届出が見つかりません。', en: 'Pre-registration not found.' },
  PRTR_REGISTRATION_ALREADY_DECIDED: {
    status: 409,
    ja: 'この使用届出はすでに処理されています。',
    en: 'This pre-registration has already been decided.',
  },
  PRTR_BUSINESS_NOT_FOUND: { status: 404, ja: '事業者が見つかりません。', en: 'Business not found.' },
  PRTR_FACILITY_NOT_FOUND: { status: 404, ja: '事業所が見つかりません。', en: 'Facility not found.' },
  PRTR_FILING_NOT_FOUND: { status: 404, ja: '届出が見つかりません。', en: 'Filing not found.' },
  PRTR_INQUIRY_NOT_FOUND: { status: 404, ja: '照会が見つかりません。', en: 'Inquiry not found.' },
  PRTR_FILING_NOT_DRAFT: {
    status: 409,
    ja: 'この届出は提出済みのため変更できません。変更届出を行ってください。',
    en: 'This filing has been submitted and cannot be edited; file an amendment instead.',
  },
  PRTR_DRAFT_EXISTS: {
    status: 409,
    ja: 'この事業所・年度の下書きがすでにあります。',
    en: 'A draft for this facility and fiscal year already exists.',
  },
  PRTR_ALREADY_FILED: {
    status: 409,
    ja: 'この事業所・年度はすでに届出済みです。変更は変更届出で行ってください。',
    en: 'This facility has already filed for this fiscal year; use an amendment to change it.',
  },
  PRTR_FILING_HAS_BLOCKING_ERRORS: {
    status: 422,
    ja: '届出内容にエラーがあるため提出できません。',
    en: 'The filing has blocking errors and cannot be submitted.',
  },
  PRTR_FILING_WINDOW_NOT_OPEN: {
    status: 409,
    ja: 'この年度の届出受付期間はまだ始まっていません。',
    en: 'The filing period for this fiscal year has not opened yet.',
  },
  PRTR_INVALID_STATUS: {
    status: 409,
    ja: '現在の状態ではこの操作はできません。',
    en: 'This action is not possible in the current status.',
  },
  PRTR_AMENDMENT_CUTOFF_PASSED: {
    status: 409,
    ja: '変更届出・取下げの受付期限を過ぎています。',
    en: 'The cut-off for amendments and withdrawals has passed.',
  },
  PRTR_INQUIRY_OPEN: {
    status: 409,
    ja: 'この届出には未処理の照会があります。',
    en: 'This filing already has an open inquiry.',
  },
  PRTR_INQUIRY_NOT_OPEN: { status: 409, ja: 'この照会には回答できません。', en: 'This inquiry is not open for an answer.' },
  PRTR_NOT_A_WITHDRAWAL_REQUEST: {
    status: 409,
    ja: 'この照会の回答は取下げ願いではありません。',
    en: 'The answer to this inquiry is not a withdrawal request.',
  },
  CLIENT_CERTIFICATE_REQUIRED: {
    status: 403,
    ja: 'この操作には電子証明書（クライアント証明書）が必要です。',
    en: 'A client certificate is required for this action.',
  },
  CLIENT_CERTIFICATE_REVOKED: {
    status: 403,
    ja: 'この電子証明書は失効しています。再発行された証明書を使用してください。',
    en: 'This client certificate has been revoked; use the reissued certificate.',
  },
  CLIENT_CERTIFICATE_INVALID: {
    status: 403,
    ja: 'この電子証明書は無効か、ログイン中の利用者のものではありません。',
    en: 'This client certificate is not valid or does not belong to the logged-in user.',
  },
  PRTR_CA_EXPIRING: {
    status: 503,
    ja: '証明書発行局（CA）の有効期限が近いため証明書を発行できません。運用者に連絡してください。',
    en: 'The certificate authority is about to expire; no certificate can be issued. Contact the operator.',
  },
  PRTR_CA_KEY_UNREADABLE: {
    status: 503,
    ja: '証明書発行局（CA）の秘密鍵を復号できません。PRTR_CA_KEY_PASSPHRASE の設定を運用者が確認してください。',
    en: "The certificate authority's private key cannot be decrypted; the operator must check PRTR_CA_KEY_PASSPHRASE.",
  },
  CERTIFICATE_LINK_INVALID: {
    status: 404,
    ja: '証明書のダウンロードリンクが無効です。',
    en: 'The certificate download link is not valid.',
  },
  CERTIFICATE_LINK_EXPIRED: {
    status: 410,
    ja: '証明書のダウンロードリンクの有効期限（90日）が切れています。再発行を依頼してください。',
    en: 'The certificate download link has expired (90 days); ask for a reissue.',
  },
  CERTIFICATE_ALREADY_DOWNLOADED: {
    status: 410,
    ja: 'この証明書はすでにダウンロードされています（ダウンロードは1回限りです）。',
    en: 'This certificate has already been downloaded (delivered once only).',
  },
});
