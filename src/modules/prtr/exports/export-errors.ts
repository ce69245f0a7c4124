import { defineErrors } from '../../../core/errors/domain-error';

export const PrtrExportErrors = defineErrors({
  PRTR_FILE_INVALID: {
    status: 422,
    ja: '電子届出ファイルの形式が正しくありません。指摘された項目を確認してください。',
    en: 'The electronic filing file is not valid; see the listed problems.',
  },
});
