import { defineErrors } from '../../core/errors/domain-error';

export const IdentityErrors = defineErrors({
  APPLICATION_NOT_FOUND: { status: 404, ja: '申請が見つかりません。', en: 'Application not found.' },
  TARGET_HOLDER_NOT_FOUND: { status: 404, ja: '目標保有者が見つかりません。', en: 'Target holder not found.' },
  VERIFIER_NOT_FOUND: { status: 404, ja: '検証機関が見つかりません。', en: 'Verifier not found.' },
  LOGIN_NOT_FOUND: { status: 404, ja: 'ログインIDが見つかりません。', en: 'Login not found.' },
  APPLICATION_ALREADY_DECIDED: {
    status: 409,
    ja: 'この申請はすでに処理されています。',
    en: 'This application has already been decided.',
  },
  CONTACT_COMPANY_NOT_A_PARTICIPANT: {
    status: 400,
    ja: '担当者の会社名は代表事業者または共同事業者のいずれかである必要があります。',
    en: "The contact person's company must be the representative business or a co-business.",
  },
  LEGAL_NAME_CHANGE_NEEDS_FORM: {
    status: 422,
    ja: '法人名の変更は連絡先変更申請ではできません。所定の変更届を事務局へ提出してください。',
    en: 'A change of legal name cannot be made by a contact-change application; submit the separate form to the secretariat.',
  },
  NO_CHANGES: { status: 400, ja: '変更内容がありません。', en: 'The application changes nothing.' },
  CURRENT_PASSWORD_INCORRECT: {
    status: 422,
    ja: '現在のパスワードが正しくありません。',
    en: 'The current password is incorrect.',
  },
  CONTACT_LIST_CONSENT_REQUIRED: {
    status: 403,
    ja: '連絡先一覧は、連絡先の開示に同意した参加者のみ閲覧できます。',
    en: 'Only participants who consented to disclose their contact details can see the contact list.',
  },
});
