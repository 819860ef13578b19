/** Whether trying an S3 request again could succeed. */
export type S3ErrorKind = 'permanent' | 'transient';

/** Error codes that no retry can fix: the bucket, the credentials or the request itself are wrong. */
const permanentCodes = new Set([
  'AccessDenied',
  'AccountProblem',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'InvalidArgument',
  'InvalidBucketName',
  'InvalidRequest',
  'MethodNotAllowed',
  'NoSuchBucket',
  'NotImplemented',
  'SignatureDoesNotMatch',
]);

/**
 * 4xx codes that do clear up (a slow request, throttling, a clock the SDK re-syncs, a conflicting
 * operation in progress, credentials that get refreshed): the SDK's own retry classification
 * counts these as transient too.
 */
const transientCodes = new Set([
  'ExpiredToken',
  'OperationAborted',
  'RequestTimeTooSkewed',
  'RequestTimeout',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

function statusOf(err: object): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/**
 * Classify an error of an S3 call. Pure. Known codes decide first; otherwise a 4xx answer is
 * permanent except 408 (timeout) and 429 (too many requests); 5xx answers, network errors,
 * timeouts and anything unrecognised are transient (bounded by the caller's retry budget).
 */
export function classifyS3Error(err: unknown): S3ErrorKind {
  if (typeof err !== 'object' || err === null) return 'transient';
  const name = (err as { name?: unknown }).name;
  const code = (err as { Code?: unknown }).Code;
  for (const c of [name, code]) {
    if (typeof c !== 'string') continue;
    if (permanentCodes.has(c)) return 'permanent';
    if (transientCodes.has(c)) return 'transient';
  }
  const status = statusOf(err);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return 'permanent';
  return 'transient';
}

/** What a user is told of each S3 error code: what failed, in words, without internal detail. */
const explanations: ReadonlyArray<[readonly string[], string]> = [
  [['NoSuchBucket', 'InvalidBucketName'], 'the storage bucket does not exist'],
  [['AccessDenied', 'AllAccessDisabled', 'AccountProblem'], 'the storage refused access to the bucket'],
  [
    ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'RequestTimeTooSkewed'],
    "the storage did not accept the file service's credentials",
  ],
  [
    ['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException'],
    'the storage kept asking to slow down',
  ],
  [['RequestTimeout', 'TimeoutError'], 'the storage did not answer in time'],
  [
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'],
    'the storage could not be reached',
  ],
];

/**
 * An S3 error as a user may see it on a failed file: what failed in words, and the error's code
 * when it has one (`NoSuchBucket`, `ECONNREFUSED`), never its message, which can carry internal
 * addresses. Pure. The whole error goes to the processor's log.
 */
export function explainS3Error(err: unknown): string {
  return s3Failure(err).words;
}

/** `explainS3Error`'s words, and the short reason it rests on (a code, `HTTP <status>` or `unknown`), for metrics. */
export function s3Failure(err: unknown): { words: string; reason: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    cause?: unknown;
    message?: unknown;
  };
  // A network error that reached the SDK from another realm keeps its code only in its message.
  const inMessage = typeof e.message === 'string' ? /\b(E[A-Z]{4,15})\b/.exec(e.message)?.[1] : undefined;
  const codes = [e.Code, e.name, e.code, (e.cause as { code?: unknown } | undefined)?.code, inMessage].filter(
    (c): c is string => typeof c === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(c),
  );
  for (const code of codes) {
    const words = explanations.find(([known]) => known.includes(code))?.[1];
    if (words) return { words: `${words} (${code})`, reason: code };
  }
  const status = statusOf(e);
  if (status !== undefined && status >= 500)
    return { words: `the storage failed (HTTP ${status})`, reason: `HTTP ${status}` };
  if (status !== undefined) {
    return {
      words: `the storage refused the file (HTTP ${status}${codes[0] ? `, ${codes[0]}` : ''})`,
      reason: `HTTP ${status}`,
    };
  }
  return { words: 'the upload failed unexpectedly', reason: 'unknown' };
}
