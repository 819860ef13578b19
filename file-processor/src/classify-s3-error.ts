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
