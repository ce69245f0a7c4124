/**
 * One template per event, side by side: Japanese first, English below. Subjects name the holder
 * (or account) and the action. Payloads are plain JSON written with the outbox row.
 */
export type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface Rendered {
  subject: string;
  text: string;
}

const FOOTER = '\n\n--\nASSET登録簿（環境省） / ASSET Registry (Ministry of the Environment)\nこのメールは送信専用です。 / This is an automated message.';
const who = (p: Payload) => [p.holderNumber, p.holderName].filter(Boolean).join(' ');

const REPORT_LABELS: Record<string, [string, string]> = {
  upload: ['算定報告書が登録されました', 'calculation report uploaded'],
  request_verification: ['検証が依頼されました', 'verification requested'],
  request_send_back: ['差戻しが依頼されました', 'send-back requested'],
  send_back: ['差し戻されました', 'sent back'],
  request_approval: ['承認が依頼されました', 'approval requested'],
  approve: ['承認されました', 'approved'],
  submit: ['提出されました', 'submitted'],
  receive: ['受理されました', 'received'],
  review_document: ['査読書類が登録されました', 'review document added'],
};
const KIND: Record<string, [string, string]> = {
  base_year: ['基準年度', 'base-year'],
  target_year: ['削減目標年度', 'reduction-target-year'],
  adjustment_year: ['調整・自主削減年度', 'adjustment-year'],
};
const MOVE: Record<string, [string, string]> = {
  'transfer.out': ['排出枠を移転しました', 'JAA transferred out'],
  'transfer.in': ['排出枠を受け取りました', 'JAA received'],
  retirement: ['排出枠を償却しました', 'JAA retired'],
  cancellation: ['排出枠を取り消しました', 'JAA cancelled'],
  offset: ['排出枠をオフセットしました', 'JAA offset'],
  'jaa.issued': ['排出枠が発行されました', 'JAA issued'],
  correction: ['口座の訂正が行われました', 'account corrected'],
  'jaa.expired': ['バンキングされなかった排出枠が失効しました', 'unbanked JAA expired'],
};

function report(p: Payload): Rendered {
  const [ja, en] = REPORT_LABELS[p.action] ?? [p.action, p.action];
  const [kja, ken] = KIND[p.kind] ?? [p.kind, p.kind];
  return {
    subject: `【ASSET】${who(p)}：${kja}算定報告書 ${ja} / ${ken} report ${en}`,
    text:
      `${who(p)} の${kja}算定報告書（${p.fiscalYear}年度）が${ja.replace(/されました|ました$/, '')}の状態になりました。` +
      `${p.comment ? `\nコメント: ${p.comment}` : ''}\n\nThe ${ken} calculation report (FY${p.fiscalYear}) of ${who(p)}: ${en}.` +
      `${p.comment ? `\nComment: ${p.comment}` : ''}`,
  };
}

function movement(event: string) {
  return (p: Payload): Rendered => {
    const [ja, en] = MOVE[event];
    return {
      subject: `【ASSET】${p.accountNumber}：${ja} ${p.quantity} JAA / ${en}`,
      text:
        `口座 ${p.accountNumber}（${p.accountName ?? ''}）で次の取引が行われました。\n取引ID: ${p.transactionId}\n` +
        `種別: ${ja}\n数量: ${p.quantity} JAA\n相手口座: ${p.counterparty ?? '-'}\n日時: ${p.at}\n\n` +
        `Account ${p.accountNumber}: ${en}, ${p.quantity} JAA (transaction ${p.transactionId}, counterparty ${p.counterparty ?? '-'}, ${p.at}).`,
    };
  };
}

/** PRTR filing events: [subject ja, subject en, body ja, body en] with the filing named in each. */
const PRTR: Record<string, (p: Payload) => [string, string, string, string]> = {
  'prtr.registration.approved': (p) => [
    '電子情報処理組織使用届出が受理されました',
    'pre-registration approved',
    `ログインID: ${p.loginId}\n電子証明書（${p.fileName}）のダウンロード（ログインのうえ1回限り）: ${p.downloadUrl}\nリンクの有効期限: ${p.downloadExpiresAt}\n` +
      `初期パスワードと証明書のインポートパスワードは${p.prefectureName}から別途お知らせします。`,
    `Login ID ${p.loginId}. Log in, then download your client certificate (${p.fileName}) once, before ${p.downloadExpiresAt}: ${p.downloadUrl}\n` +
      `The initial password and the certificate's import password reach you separately from ${p.prefectureName}.`,
  ],
  'prtr.registration.rejected': (p) => ['電子情報処理組織使用届出が却下されました', 'pre-registration rejected', `理由: ${p.reason}`, `Reason: ${p.reason}`],
  'prtr.certificate.reissued': (p) => [
    '電子証明書が再発行されました',
    'client certificate reissued',
    `以前の証明書（シリアル ${p.revokedSerial ?? '-'}）は失効しました。\n新しい証明書（${p.fileName}）のダウンロード: ${p.downloadUrl}\n有効期限: ${p.downloadExpiresAt}（1回限り）`,
    `The previous certificate (serial ${p.revokedSerial ?? '-'}) is revoked. Download the new one (${p.fileName}) once, before ${p.downloadExpiresAt}: ${p.downloadUrl}`,
  ],
  'prtr.filing.filed': (p) => [
    '届出を受け付けました',
    'filing received',
    `整理番号: ${p.referenceNumber}\n事業所: ${p.facilityName}\n対象年度: ${p.fiscalYear}年度\n受付日時: ${p.filedAt}${p.late ? '\n※提出期限後の届出です。' : ''}`,
    `Reference ${p.referenceNumber}, facility ${p.facilityName}, FY${p.fiscalYear}, received ${p.filedAt}${p.late ? ' (late)' : ''}.`,
  ],
  'prtr.filing.local_accepted': (p) => [
    '届出が自治体で受理されました',
    'filing accepted by the local government',
    `整理番号: ${p.referenceNumber}\n受理日: ${p.acceptedAt}`,
    `Reference ${p.referenceNumber} accepted by ${p.prefectureName} on ${p.acceptedAt}.`,
  ],
  'prtr.filing.ministry_accepted': (p) => [
    '届出が省庁で受理されました',
    'filing accepted by the ministry',
    `整理番号: ${p.referenceNumber}\n受理日: ${p.acceptedAt}`,
    `Reference ${p.referenceNumber} accepted by the ministry on ${p.acceptedAt}.`,
  ],
  'prtr.inquiry.raised': (p) => [
    '届出内容について照会があります',
    'inquiry on your filing',
    `整理番号: ${p.referenceNumber}\n照会内容: ${p.message}\n回答期限: ${p.cutoff}`,
    `Reference ${p.referenceNumber}. Inquiry: ${p.message}\nAnswer by ${p.cutoff}.`,
  ],
  'prtr.inquiry.answered': (p) => [
    '照会に回答がありました',
    'inquiry answered',
    `整理番号: ${p.referenceNumber}\n事業所: ${p.facilityName}\n回答: ${p.answerLabel}${p.answerText ? `\n${p.answerText}` : ''}\n回答を確認し、照会を完了してください。`,
    `Reference ${p.referenceNumber} (${p.facilityName}). Answer: ${p.answerType}${p.answerText ? ` — ${p.answerText}` : ''}. Review it and close the inquiry.`,
  ],
  'prtr.registration.submitted': (p) => [
    '電子情報処理組織使用届出書が提出されました',
    'pre-registration submitted',
    `届出ID: ${p.registrationId}\n事業者: ${p.businessName}\n事業所数: ${p.facilityCount}`,
    `Pre-registration ${p.registrationId} from ${p.businessName} (${p.facilityCount} facilities) awaits your decision.`,
  ],
  'prtr.filing.received': (p) => [
    '届出がありました',
    'filing received',
    `整理番号: ${p.referenceNumber}\n事業者: ${p.businessName}\n事業所: ${p.facilityName}\n対象年度: ${p.fiscalYear}年度${p.late ? '\n※提出期限後の届出です。' : ''}`,
    `Reference ${p.referenceNumber} from ${p.businessName}, facility ${p.facilityName}, FY${p.fiscalYear}${p.late ? ' (late)' : ''}, awaits acceptance.`,
  ],
  'prtr.filing.ready_for_ministry': (p) => [
    '自治体で受理された届出があります',
    'filing accepted by the local government',
    `整理番号: ${p.referenceNumber}\n都道府県: ${p.prefectureName}\n事業者: ${p.businessName}\n省庁受理を行ってください。`,
    `Reference ${p.referenceNumber} (${p.prefectureName}, ${p.businessName}) was accepted by the local government and awaits the ministry's acceptance.`,
  ],
  'prtr.inquiry.closed': (p) => {
    const [ja, en, bja, ben] =
      p.decision === 'withdrawal_confirmed'
        ? ['取下げが確認されました', 'withdrawal confirmed', '届出は取り下げられました。', 'the filing is withdrawn']
        : p.decision === 'withdrawal_declined'
          ? ['取下げ願いは認められませんでした', 'withdrawal declined', '届出は有効なままです。', 'the filing stands']
          : ['照会が完了しました', 'inquiry closed', '照会への回答が確認されました。', 'your answer was accepted'];
    return [ja, en, `整理番号: ${p.referenceNumber}\n${bja}${p.note ? `\n${p.note}` : ''}`, `Reference ${p.referenceNumber}: ${ben}.${p.note ? ` ${p.note}` : ''}`];
  },
};

/** Events addressed to the officers (local government, ministry) rather than to the filer. */
const PRTR_OFFICER_EVENTS = new Set(['prtr.registration.submitted', 'prtr.filing.received', 'prtr.filing.ready_for_ministry', 'prtr.inquiry.answered']);

function prtr(event: string) {
  return (p: Payload): Rendered => {
    const [sja, sen, bja, ben] = PRTR[event](p);
    const greeting = PRTR_OFFICER_EVENTS.has(event) ? 'PRTR届出 ご担当者 様' : `${p.businessName ?? ''} ${p.contactName ?? ''} 様`;
    return {
      subject: `【PRTR】${p.businessName ?? ''}：${sja} / ${sen[0].toUpperCase()}${sen.slice(1)}`,
      text: `${greeting}\n\n${sja}。\n${bja}\n\n${sen[0].toUpperCase()}${sen.slice(1)}.\n${ben}`,
    };
  };
}

export const TEMPLATES: Record<string, (p: Payload) => Rendered> = {
  ...Object.fromEntries(Object.keys(PRTR).map((e) => [e, prtr(e)])),
  'registration.approved': (p) => ({
    subject: `【ASSET】${p.holderNumber} ${p.holderName}：登録申請が承認されました / Registration approved`,
    text:
      `${p.holderName} ${p.contactName} 様\n\n登録申請が承認されました。\n目標保有者番号: ${p.holderNumber}\n遵守口座番号: ${p.accountNumber}\n` +
      `ログインID: ${p.loginIds.join(', ')}\n初期パスワードは事務局から別途お知らせします。初回ログイン時に変更してください。\n\n` +
      `Your registration was approved. Holder ${p.holderNumber}, compliance account ${p.accountNumber}, logins ${p.loginIds.join(', ')}. ` +
      `The initial passwords reach you separately from the secretariat; change them at first login.`,
  }),
  'application.submitted': (p) => ({
    subject: `【ASSET】新しい申請があります（${p.kindLabel}）/ New application: ${p.summary}`,
    text: `${p.kindLabel}が提出されました。\n申請ID: ${p.applicationId}\n概要: ${p.summary}\n\nA new application was submitted (${p.kind}): ${p.summary} (${p.applicationId}).`,
  }),
  'registration.rejected': (p) => rejected('登録申請', 'registration application', p),
  'trading_participant.rejected': (p) => rejected('取引参加者の登録申請', 'trading-participant application', p),
  'contact_change.rejected': (p) => rejected('連絡先変更申請', 'contact-change application', p),
  'trading_participant.registered': (p) => ({
    subject: `【ASSET】${p.participantNumber} ${p.name}：取引参加者として登録されました / Registered as a trading participant`,
    text:
      `${p.name} ${p.contactName} 様\n\n取引参加者として登録されました。\n取引口座番号: ${p.accountNumber}\nログインID: ${p.loginId}\n` +
      `初期パスワードは事務局から別途お知らせします。\n\nRegistered as trading participant ${p.participantNumber}; holding account ${p.accountNumber}; login ${p.loginId}.`,
  }),
  'contact_change.approved': (p) => ({
    subject: `【ASSET】${who(p)}：連絡先変更申請が承認されました / Contact change approved`,
    text: `連絡先変更申請（${p.applicationId}）が承認され、登録内容を更新しました。\n\nYour contact-change application ${p.applicationId} was approved and applied.`,
  }),
  'login.password_changed': (p) => ({
    subject: `【ASSET】${p.loginId}：パスワードが変更されました / Password changed`,
    text: `ログインID ${p.loginId} のパスワードが変更されました。お心当たりのない場合は事務局へご連絡ください。\n\nThe password of login ${p.loginId} was changed. If this was not you, contact the secretariat.`,
  }),
  'login.password_reset': (p) => ({
    subject: `【ASSET】${p.loginId}：パスワードが初期化されました / Password reset`,
    text: `ログインID ${p.loginId} のパスワードが事務局により初期化されました。\n\nThe password of login ${p.loginId} was reset by the secretariat.`,
  }),
  'banking.approved': (p) => ({
    subject: `【ASSET】${who(p)}：バンキング申請が承認されました / Banking approved`,
    text: `${p.quantity} JAA のバンキングが承認されました。\n\nBanking of ${p.quantity} JAA was approved.`,
  }),
  'banking.rejected': (p) => rejected('バンキング申請', 'banking application', p),
  'phase.deadline_extended': (p) => ({
    subject: `【ASSET】${p.phaseName}：償却期限が延長されました / Retirement deadline extended`,
    text:
      `${p.phaseName} の償却期限が ${p.previousDeadline} から ${p.retirementDeadline}（日本時間の当日末まで）に延長されました。\n理由: ${p.reason}\n\n` +
      `The retirement deadline of ${p.phaseName} moved from ${p.previousDeadline} to ${p.retirementDeadline} (end of that day, Japan time). Reason: ${p.reason}`,
  }),
  'phase.closed': (p) => ({
    subject: `【ASSET】${who(p)}：${p.phaseName} の遵守状況が確定しました / Compliance in ${p.phaseName} is final`,
    text:
      `${p.phaseName} は終了しました。遵守状況: ${p.status === 'met' ? '達成' : `未達（不足 ${p.shortfall ?? '-'} JAA）`}\n` +
      `償却義務量 ${p.obligation ?? '-'} JAA、期限内の償却量 ${p.retiredOnTime} JAA。バンキングされなかった同期の排出枠 ${p.expired} JAA は失効しました。\n\n` +
      `${p.phaseName} is closed. Standing: ${p.status === 'met' ? 'met' : `not met (shortfall ${p.shortfall ?? '-'} JAA)`}; obligation ${p.obligation ?? '-'} JAA, ` +
      `retired by the deadline ${p.retiredOnTime} JAA. ${p.expired} unbanked JAA of the phase expired.`,
  }),
  ...Object.fromEntries(Object.keys(REPORT_LABELS).map((a) => [`report.${a}`, report])),
  ...Object.fromEntries(Object.keys(MOVE).map((e) => [e, movement(e)])),
};

function rejected(ja: string, en: string, p: Payload): Rendered {
  return {
    subject: `【ASSET】${who(p) || p.name || ''}：${ja}が却下されました / Your ${en} was rejected`.replace('：', who(p) || p.name ? '：' : ''),
    text: `${ja}（${p.applicationId}）は却下されました。\n理由: ${p.reason}\n\nYour ${en} ${p.applicationId} was rejected. Reason: ${p.reason}`,
  };
}

export function render(event: string, payload: Payload): Rendered {
  const template = TEMPLATES[event];
  if (!template) throw new Error(`no template for event ${event}`);
  const r = template(payload);
  return { subject: r.subject.slice(0, 300), text: r.text + FOOTER };
}
