import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Producer } from 'kafkajs';
import {
  RetriesExhaustedError,
  childTraceparent,
  deterministicId,
  encodeRecord,
  mapConcurrent,
  retry,
  s3Location,
  type FileCreate,
  type FileCreated,
  type FileProcessing,
  type Faults,
  type Logger,
  type MessageHeaders,
  type RetryPolicy,
  type Topics,
} from '@fileflow/common';
import { objectKeyFor, renderFile } from './render-file';

export interface ProcessFileDeps {
  readonly producer: Producer;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly topics: Topics;
  readonly uploadRetry: RetryPolicy;
  /** Uploads in flight at once (per partition being consumed). */
  readonly uploadConcurrency: number;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Fault injection (failure suite): a crash after the upload, before `file.created`. */
  readonly faults?: Faults;
}

/** What became of one request. */
export type ProcessOutcome = { status: 'completed'; s3Location: string } | { status: 'failed'; error: string };

/** A decoded `file.create` record. */
export interface FileRequest {
  readonly request: FileCreate;
  readonly headers: MessageHeaders;
}

/**
 * Handle `file.create` requests: announce `processing` for all of them (one Kafka request)
 * while uploading the files (`uploadConcurrency` at a time), then announce the outcomes (one
 * Kafka request).
 * Message ids derive from each request's id, so a redelivered request yields the same ids and
 * consumers drop the repeats. Kafka errors propagate (the offsets are then not committed and
 * the requests come again); S3 errors are retried, then reported as `failed`.
 */
export async function processFileRequests(
  deps: ProcessFileDeps,
  requests: readonly FileRequest[],
): Promise<ProcessOutcome[]> {
  if (requests.length === 0) return [];
  // `processing` goes out while the uploads run: it only has to precede the outcome, and the
  // status consumer ignores a `processing` that arrives after it anyway (forward only).
  const announced = deps.producer.send({
    topic: deps.topics.fileProcessing,
    messages: requests.map(({ request, headers }) => {
      const processing: FileProcessing = {
        fileId: request.fileId,
        status: 'processing',
        timestamp: deps.now().toISOString(),
      };
      return encodeRecord(request.fileId, processing, {
        id: deterministicId(headers.id, 'file.processing'),
        type: 'file.processing',
        traceparent: childTraceparent(headers.traceparent),
      });
    }),
  });

  const [, outcomes] = await Promise.all([
    announced,
    mapConcurrent(requests, deps.uploadConcurrency, (r) => upload(deps, r)),
  ]);

  await deps.producer.send({
    topic: deps.topics.fileCreated,
    messages: requests.map(({ request, headers }, i) => {
      const outcome = outcomes[i] as ProcessOutcome;
      const created: FileCreated = {
        fileId: request.fileId,
        title: request.title,
        s3Location: s3Location(deps.bucket, objectKeyFor(deps.keyPrefix, request.fileId)),
        status: outcome.status,
        ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
        timestamp: deps.now().toISOString(),
      };
      return encodeRecord(request.fileId, created, {
        id: deterministicId(headers.id, 'file.created'),
        type: 'file.created',
        traceparent: childTraceparent(headers.traceparent),
      });
    }),
  });
  return outcomes;
}

/** Upload one file, with retries; never throws (an upload that keeps failing is `failed`). */
async function upload(deps: ProcessFileDeps, { request, headers }: FileRequest): Promise<ProcessOutcome> {
  const log = deps.logger.child({ fileId: request.fileId, messageId: headers.id });
  const key = objectKeyFor(deps.keyPrefix, request.fileId);
  const location = s3Location(deps.bucket, key);
  try {
    await retry(
      () =>
        deps.s3.send(
          new PutObjectCommand({
            Bucket: deps.bucket,
            Key: key,
            Body: renderFile(request.title, request.description),
            ContentType: 'text/plain; charset=utf-8',
          }),
        ),
      deps.uploadRetry,
      {
        onRetry: (err, attempt, delayMs) => log.warn('upload failed, retrying', { attempt, delayMs, err: String(err) }),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      },
    );
    deps.faults?.hit('processor.after-upload');
    return { status: 'completed', s3Location: location };
  } catch (err) {
    const cause = err instanceof RetriesExhaustedError ? err.cause : err;
    const error = `upload to ${location} failed after ${deps.uploadRetry.attempts} attempts: ${describe(cause)}`;
    log.error('upload failed for good', { error });
    return { status: 'failed', error };
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message || (err as { code?: string }).code || 'no message'}`;
  return String(err);
}
