import type { S3Client } from '@aws-sdk/client-s3';
import { RetriesExhaustedError, retry, type RetryPolicy } from '@fileflow/common';
import { classifyS3Error, s3Failure } from './classify-s3-error';

export interface UploadTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
}

/**
 * How tries of one S3 request (an upload or a deletion) ended: done, or the last error (in words
 * for the user, `explainS3Error`, and in full for the log) and whether a later try could succeed.
 */
export type UploadResult =
  { ok: true } | { ok: false; kind: 'permanent' | 'transient'; error: string; reason: string; detail: string };

export interface TryOptions {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Send one S3 request, trying up to `policy.attempts` times in place while the error is transient
 * (`classifyS3Error`); an error that can never succeed ends it at once. Never throws.
 */
export async function sendS3Request(
  send: () => Promise<unknown>,
  policy: RetryPolicy,
  opts: TryOptions = {},
): Promise<UploadResult> {
  try {
    await retry(send, policy, { ...opts, isRetryable: (err) => classifyS3Error(err) === 'transient' });
    return { ok: true };
  } catch (err) {
    const cause = err instanceof RetriesExhaustedError ? err.cause : err;
    const { words, reason } = s3Failure(cause);
    return { ok: false, kind: classifyS3Error(cause), error: words, reason, detail: describeError(cause) };
  }
}

/** An error as one line: its name (the S3 error code) and message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}: ${err.message || (typeof code === 'string' ? code : 'no message')}`;
  }
  return String(err);
}
