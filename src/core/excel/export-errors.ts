import { defineErrors } from '../errors/domain-error';

/** An Excel download whose writing, in a file worker, the pool refused or cut short. */
export const ExportErrors = defineErrors({
  EXPORT_TIMEOUT: {
    status: 503,
    ja: 'Excelファイルの作成が制限時間内に終わりませんでした。条件を絞り込むか、しばらくしてから再度お試しください。',
    en: 'Writing the Excel file did not finish within the time limit. Please narrow the selection or try again shortly.',
  },
  EXPORT_MEMORY_EXCEEDED: {
    status: 503,
    ja: 'Excelファイルの作成に必要なメモリが上限を超えました。条件を絞り込んでから再度お試しください。',
    en: 'Writing the Excel file needs more memory than allowed. Please narrow the selection and try again.',
  },
  EXPORT_BUSY: {
    status: 503,
    ja: 'Excelファイルの作成が混み合っています。しばらくしてから再度お試しください。',
    en: 'Too many Excel files are being written at the moment. Please try again shortly.',
  },
});
