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

export const TEMPLATES: Record<string, (p: Payload) => Rendered> = {
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
