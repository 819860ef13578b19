import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Producer } from 'kafkajs';
import {
  RetriesExhaustedError,
  childTraceparent,
  deterministicId,
  encodeRecord,
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
  readonly now: () => Date;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Fault injection (failure suite): a crash after the upload, before `file.created`. */
  readonly faults?: Faults;
}

/** What became of one request. */
export type ProcessOutcome = { status: 'completed'; s3Location: string } | { status: 'failed'; error: string };

/**
 * Handle one `file.create` request: announce `processing`, upload the file, announce the
 * outcome. Message ids derive from the request's id, so a redelivered request yields the
 * same ids and consumers drop the repeats. Kafka errors propagate (the offset is then not
 * committed and the request comes again); S3 errors are retried, then reported as `failed`.
 */
export async function processFileRequest(
  deps: ProcessFileDeps,
  request: FileCreate,
  headers: MessageHeaders,
): Promise<ProcessOutcome> {
  const log = deps.logger.child({ fileId: request.fileId, messageId: headers.id });
  const trace = headers.traceparent;

  const processing: FileProcessing = {
    fileId: request.fileId,
    status: 'processing',
    timestamp: deps.now().toISOString(),
  };
  await deps.producer.send({
    topic: deps.topics.fileProcessing,
    messages: [
      encodeRecord(request.fileId, processing, {
        id: deterministicId(headers.id, 'file.processing'),
        type: 'file.processing',
        traceparent: childTraceparent(trace),
      }),
    ],
  });

  const key = objectKeyFor(deps.keyPrefix, request.fileId);
  const location = s3Location(deps.bucket, key);
  let outcome: ProcessOutcome;
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
    outcome = { status: 'completed', s3Location: location };
  } catch (err) {
    const cause = err instanceof RetriesExhaustedError ? err.cause : err;
    const error = `upload to ${location} failed after ${deps.uploadRetry.attempts} attempts: ${describe(cause)}`;
    log.error('upload failed for good', { error });
    outcome = { status: 'failed', error };
  }

  const created: FileCreated = {
    fileId: request.fileId,
    title: request.title,
    s3Location: location,
    status: outcome.status,
    ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
    timestamp: deps.now().toISOString(),
  };
  const createdHeaders: MessageHeaders = {
    id: deterministicId(headers.id, 'file.created'),
    type: 'file.created',
    traceparent: childTraceparent(trace),
  };
  await deps.producer.send({
    topic: deps.topics.fileCreated,
    messages: [encodeRecord(request.fileId, created, createdHeaders)],
  });
  return outcome;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message || (err as { code?: string }).code || 'no message'}`;
  return String(err);
}
