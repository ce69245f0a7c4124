/**
 * Domain errors carry a stable code; the HTTP status and the user-facing texts live in one
 * registry that every module adds its codes to (`defineErrors`). Services never throw HttpException.
 */
export interface ErrorSpec {
  /** HTTP status the global filter answers with. */
  status: number;
  /** User-facing text in Japanese (default). */
  ja: string;
  /** The same in English (selected with Accept-Language: en). */
  en: string;
}

const registry = new Map<string, ErrorSpec>();

/** Registers a module's error codes. A code may be defined once. */
export function defineErrors<T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE`);
    const existing = registry.get(code);
    if (existing && (existing.status !== spec.status || existing.ja !== spec.ja)) {
      throw new Error(`error code ${code} is defined twice`);
    }
    registry.set(code, spec);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return registry.get(code);
}

export function registeredErrorCodes(): string[] {
  return [...registry.keys()].sort();
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly details: Record<string, unknown> = {},
    /** Overrides the registry's texts for this occurrence (e.g. a more precise reason). */
    readonly texts?: { ja: string; en: string },
  ) {
    super(texts?.en ?? errorSpec(code)?.en ?? code);
    this.name = 'DomainError';
  }
}

export const CoreErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, ja: '入力内容に誤りがあります。', en: 'The request is invalid.' },
  MALFORMED_JSON: { status: 400, ja: 'JSONの形式が正しくありません。', en: 'The request body is not valid JSON.' },
  JSON_TOO_DEEP: {
    status: 400,
    ja: 'JSONの入れ子が深すぎます（最大32段）。',
    en: 'The JSON body is nested too deeply (at most 32 levels).',
  },
  BODY_TOO_COMPLEX: {
    status: 413,
    ja: 'JSONの構造が複雑すぎます（項目・要素・値の数が上限を超えています）。',
    en: 'The JSON body is too complex (too many members, elements or values).',
  },
  BAD_REQUEST: { status: 400, ja: 'リクエストが正しくありません。', en: 'Bad request.' },
  UNAUTHENTICATED: { status: 401, ja: 'ログインが必要です。', en: 'Authentication is required.' },
  TOKEN_EXPIRED: {
    status: 401,
    ja: 'ログインの有効期限が切れました。再度ログインしてください。',
    en: 'The access token has expired. Please log in again.',
  },
  FORBIDDEN: { status: 403, ja: 'この操作を行う権限がありません。', en: 'This login may not do this.' },
  NOT_FOUND: { status: 404, ja: '対象が見つかりません。', en: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, ja: '指定されたURLは存在しません。', en: 'No such route.' },
  METHOD_NOT_ALLOWED: { status: 405, ja: 'このメソッドは使用できません。', en: 'Method not allowed.' },
  CONFLICT: { status: 409, ja: '現在の状態ではこの操作はできません。', en: 'Conflict with the current state.' },
  INVALID_TRANSITION: {
    status: 409,
    ja: '現在の状態ではこの操作はできません。',
    en: 'This action is not allowed in the current state.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    ja: 'リクエストの受信が時間内に完了しませんでした。',
    en: 'The request was not received in time.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, ja: '送信データが大きすぎます。', en: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    ja: 'このデータ形式には対応していません。',
    en: 'Unsupported media type.',
  },
  EXPECTATION_FAILED: {
    status: 417,
    ja: 'Expect ヘッダーの指定には対応していません。',
    en: 'The Expect header given is not supported.',
  },
  HEADER_TOO_LARGE: {
    status: 431,
    ja: 'リクエストヘッダーが大きすぎます。',
    en: 'The request headers are too large.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    ja: 'リクエストが多すぎます。しばらくしてから再度お試しください。',
    en: 'Too many requests. Please try again later.',
  },
  INTERNAL_ERROR: {
    status: 500,
    ja: 'システムエラーが発生しました。時間をおいて再度お試しください。',
    en: 'An unexpected error occurred. Please try again later.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    ja: 'データベースに接続できません。時間をおいて再度お試しください。',
    en: 'The database is unavailable. Please try again later.',
  },
  SHUTTING_DOWN: {
    status: 503,
    ja: 'システムを停止中です。時間をおいて再度お試しください。',
    en: 'The service is shutting down. Please try again shortly.',
  },
});
