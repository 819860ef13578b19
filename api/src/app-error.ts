/** Error codes a client of the API can see; each maps to one HTTP status. */
export type AppErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'undecodable_body'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'precondition_failed'
  | 'range_not_satisfiable'
  | 'idempotency_key_reused'
  | 'too_many_requests'
  | 'service_unavailable';

const statusByCode: Record<AppErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  undecodable_body: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  range_not_satisfiable: 416,
  idempotency_key_reused: 422,
  too_many_requests: 429,
  service_unavailable: 503,
};

/** One problem with one field of an input, as reported to clients. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** An expected failure with a code; anything else is a bug. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly issues: readonly FieldIssue[];
  readonly retryAfterSeconds: number | undefined;
  /** With `method_not_allowed`: the methods the resource takes (the `Allow` header). */
  readonly allow: readonly string[] | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: {
      issues?: readonly FieldIssue[];
      retryAfterSeconds?: number;
      allow?: readonly string[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.allow = opts.allow;
  }

  get httpStatus(): number {
    return statusByCode[this.code];
  }
}
