import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RetriesExhaustedError, retry, type FileCreate, type RetryPolicy } from '@fileflow/common';
import { classifyS3Error, s3Failure } from './classify-s3-error';
import { objectKeyFor, renderFile } from './render-file';

export interface UploadTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
}

/**
 * How tries of one upload ended: done, or the last error (in words for the user, `explainS3Error`,
 * and in full for the log) and whether a later try could succeed.
 */
export type UploadResult =
  { ok: true } | { ok: false; kind: 'permanent' | 'transient'; error: string; reason: string; detail: string };

/**
 * Upload a request's file, trying up to `policy.attempts` times in place while the error is
 * transient (`classifyS3Error`); an error that can never succeed ends it at once. Never throws.
 */
export async function uploadFile(
  target: UploadTarget,
  request: FileCreate,
  policy: RetryPolicy,
  opts: {
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  } = {},
): Promise<UploadResult> {
  try {
    await retry(
      () =>
        target.s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKeyFor(target.keyPrefix, request.fileId),
            Body: renderFile(request.title, request.description),
            ContentType: 'text/plain; charset=utf-8',
          }),
        ),
      policy,
      { ...opts, isRetryable: (err) => classifyS3Error(err) === 'transient' },
    );
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
