import { defineErrors } from '../errors/domain-error';

export const WorkerErrors = defineErrors({
  FILE_PARSE_TIMEOUT: {
    status: 422,
    ja: 'ファイルの読み取りが制限時間内に終わりませんでした。ファイルの構成を簡単にしてから再度お試しください。',
    en: 'Reading the file did not finish within the time limit. Please simplify the file and try again.',
  },
  FILE_PARSE_MEMORY_EXCEEDED: {
    status: 422,
    ja: 'ファイルの読み取りに必要なメモリが上限を超えました。ファイルの構成を簡単にしてから再度お試しください。',
    en: 'Reading the file needs more memory than allowed. Please simplify the file and try again.',
  },
  FILE_PARSE_BUSY: {
    status: 503,
    ja: 'ファイルの読み取りが混み合っています。しばらくしてから再度お試しください。',
    en: 'Too many files are being read at the moment. Please try again shortly.',
  },
});
