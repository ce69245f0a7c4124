import { defineErrors } from '../errors/domain-error';

export const AuthErrors = defineErrors({
  INVALID_CREDENTIALS: {
    status: 401,
    ja: 'ログインIDまたはパスワードが正しくありません。',
    en: 'The login ID or password is incorrect.',
  },
  LOGIN_LOCKED: {
    status: 423,
    ja: 'ログインに続けて失敗したため、このログインIDは一時的にロックされています。',
    en: 'This login is temporarily locked after repeated failed attempts.',
  },
  LOGIN_ATTEMPTS_IN_PROGRESS: {
    status: 429,
    ja: 'このログインIDのログイン処理が実行中です。少し待ってから再度お試しください。',
    en: 'Other sign-in attempts for this login are still being checked; try again in a moment.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    ja: '初期パスワードを変更してください。',
    en: 'The initial password must be changed first.',
  },
});
