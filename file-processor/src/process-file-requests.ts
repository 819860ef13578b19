import type { S3Client } from '@aws-sdk/client-s3';
import type { Producer } from 'kafkajs';
import {
  childTraceparent,
  deterministicId,
  encodeRecord,
  withPublishedAt,
  fileLogFields,
  formatOf,
  mapConcurrent,
  outgoingTraceparent,
  SpanKind,
  SpanStatusCode,
  startSpan,
  withSpan,
  type FileProcessing,
  type Span,
  type Faults,
  type FaultPoint,
  type Logger,
  type RetryBudget,
  type RetryPolicy,
  type Topics,
} from '@fileflow/common';
import type { TopicMessages } from 'kafkajs';
import { deleteObject } from './delete-object';
import {
  attemptField,
  decideOutcome,
  deleteOutcomeRecords,
  locationOf,
  outcomeRecords,
  type ConsumedRequest,
  type DeleteRequest,
  type FileRequest,
  type ProcessOutcome,
} from './file-outcome';
import type { UploadMetrics } from './processor-metrics';
import type { TryOptions } from './s3-request';
import { uploadFile, type UploadResult } from './upload-file';

export type { DeleteRequest, FileRequest, ProcessOutcome } from './file-outcome';

export interface ProcessFileDeps {
  readonly producer: Producer;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly topics: Topics;
  /** Quick tries in place; a transient failure past them goes to the retry topic. */
  readonly uploadRetry: RetryPolicy;
  /** How long after its first failure, and how often, an upload is tried again from the retry topic. */
  readonly retryBudget: RetryBudget;
  /** Uploads in flight at once (per partition being consumed). */
  readonly uploadConcurrency: number;
  readonly now: () => Date;
  readonly logger: Logger;
  /** How the tries in place wait between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The jitter of the retry rounds' backoff. */
  readonly random?: () => number;
  /** Fault injection (failure suite): a crash after the upload, before `file.created`. */
  readonly faults?: Faults;
  /** Where uploads are counted (none: not counted). */
  readonly metrics?: UploadMetrics;
}

/**
 * Handle `file.create` requests: announce `processing` for all of them (one Kafka request)
 * while uploading the files (`uploadConcurrency` at a time, each tried a few times in place),
 * then, in one Kafka request, announce the outcomes and hand the uploads that failed
 * transiently to the retry topic (`processRetries` takes them from there), so a slow or absent
 * S3 never holds up the partition's other requests.
 * Message ids derive from each request's id, so a redelivered request yields the same ids and
 * consumers drop the repeats. Kafka errors propagate (the offsets are then not committed and
 * the requests come again).
 */
export async function processFileRequests(
  deps: ProcessFileDeps,
  requests: readonly FileRequest[],
): Promise<ProcessOutcome[]> {
  if (requests.length === 0) return [];
  return runInSpans(deps, requests, 'process file.create', {
    records: (outcomes, traceparents) => outcomeRecords({ ...deps, now: deps.now() }, requests, outcomes, traceparents),
    // `processing` goes out while the uploads run: it only has to precede the outcome, and the
    // status consumer ignores a `processing` that arrives after it anyway (forward only).
    alongside: (traceparents) =>
      deps.producer.send({
        topic: deps.topics.fileProcessing,
        messages: requests.map(({ request, headers, publishedAt }, i) => {
          const processing: FileProcessing = {
            fileId: request.fileId,
            status: 'processing',
            timestamp: deps.now().toISOString(),
            ...attemptField(request),
          };
          return withPublishedAt(
            encodeRecord(request.fileId, processing, {
              id: deterministicId(headers.id, 'file.processing'),
              type: 'file.processing',
              traceparent: traceparents[i] ?? childTraceparent(headers.traceparent),
            }),
            publishedAt,
          );
        }),
      }),
    upload: (r, traceparent) => uploadInPlace(deps, r, traceparent),
  });
}

/**
 * Handle `file.delete` requests: delete each file's object (`uploadConcurrency` at a time, each
 * tried a few times in place), then, in one Kafka request, announce `file.deleted` for the done
 * ones and hand the ones that failed transiently to the retry topic. Ones that failed for good
 * come back as `failed` outcomes, for the caller to send to the dead-letter topic.
 */
export async function processDeleteRequests(
  deps: ProcessFileDeps,
  requests: readonly DeleteRequest[],
): Promise<ProcessOutcome[]> {
  if (requests.length === 0) return [];
  return runInSpans(deps, requests, 'process file.delete', {
    records: (outcomes, traceparents) =>
      deleteOutcomeRecords({ ...deps, now: deps.now() }, requests, outcomes, traceparents),
    upload: (r, traceparent) => deleteInPlace(deps, r, traceparent),
  });
}

/**
 * Each request's work in a span of its own (a child of the traceparent it came with), what is
 * sent about the request carrying that span: `alongside` (given every request's traceparent) runs
 * beside the work, then all outcomes go out in one Kafka request (`records`), and the spans end
 * with them.
 */
export async function runInSpans<R extends ConsumedRequest<FileRequest['request'] | DeleteRequest['request']>>(
  deps: ProcessFileDeps,
  requests: readonly R[],
  spanName: string,
  work: {
    alongside?: (traceparents: readonly string[]) => Promise<unknown>;
    upload: (request: R, traceparent: string | undefined) => Promise<ProcessOutcome>;
    records: (outcomes: readonly ProcessOutcome[], traceparents: readonly string[]) => TopicMessages[];
  },
): Promise<ProcessOutcome[]> {
  const spans = requests.map((r) => processSpan(spanName, r));
  const traceparents = requests.map((r, i) => outgoingTraceparent(spans[i], r.headers.traceparent));
  try {
    const [, outcomes] = await Promise.all([
      work.alongside?.(traceparents),
      mapConcurrent(requests, deps.uploadConcurrency, (r, i) =>
        withSpan(spans[i]!, () => work.upload(r, traceparents[i])),
      ),
    ]);
    await deps.producer.sendBatch({ topicMessages: work.records(outcomes, traceparents) });
    endProcessSpans(spans, outcomes);
    return outcomes;
  } catch (err) {
    endProcessSpans(spans, undefined);
    throw err;
  }
}

/** An upload: tried in place, then its outcome decided (`tryInPlace`), and its time counted. */
async function uploadInPlace(deps: ProcessFileDeps, r: FileRequest, traceparent: string | undefined) {
  return tryInPlace(deps, r, traceparent, {
    what: 'upload',
    faultAfter: 'processor.after-upload',
    run: (opts) => uploadFile(deps, r.request, deps.uploadRetry, opts),
    tried: (seconds, result) => deps.metrics?.observe(seconds, result),
  });
}

/**
 * A deletion of one file's object, tried in place; a transient failure past those tries goes to
 * the retry topic (by `decideOutcome`, as uploads do), one that can never succeed is `failed`.
 */
async function deleteInPlace(deps: ProcessFileDeps, r: DeleteRequest, traceparent: string | undefined) {
  const outcome = await tryInPlace(deps, r, traceparent, {
    what: 'deletion',
    faultAfter: 'processor.after-delete',
    run: (opts) => deleteObject(deps, r.request, deps.uploadRetry, opts),
  });
  if (outcome.status === 'completed') {
    deps.logger.info('object deleted', {
      ...fileLogFields(r.request.fileId, traceparent),
      messageId: r.headers.id,
      reason: r.request.reason,
    });
  }
  return outcome;
}

/**
 * One request's S3 work, tried a few times in place (`deps.uploadRetry`), then its outcome:
 * done, handed to the retry topic, or failed for good (`decideOutcome`), each logged.
 */
async function tryInPlace(
  deps: ProcessFileDeps,
  { request, headers }: FileRequest | DeleteRequest,
  traceparent: string | undefined,
  work: {
    readonly what: 'upload' | 'deletion';
    readonly faultAfter: FaultPoint;
    readonly run: (opts: TryOptions) => Promise<UploadResult>;
    /** Told how long the tries took, and how they ended. */
    readonly tried?: (seconds: number, result: UploadResult) => void;
  },
): Promise<ProcessOutcome> {
  const log = deps.logger.child({ ...fileLogFields(request.fileId, traceparent), messageId: headers.id });
  const firstTryAt = deps.now().getTime();
  const result = await work.run({
    onRetry: (err, attempt, delayMs) =>
      log.warn(`${work.what} failed, retrying`, { attempt, delayMs, err: String(err) }),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  work.tried?.((deps.now().getTime() - firstTryAt) / 1000, result);
  if (result.ok) deps.faults?.hit(work.faultAfter);
  else log.warn(`${work.what} failed`, { error: result.detail });
  const outcome = decideOutcome(result, {
    location: locationOf(deps.bucket, deps.keyPrefix, request.fileId, formatOf(request)),
    round: 0,
    firstFailedAt: firstTryAt,
    now: deps.now().getTime(),
    budget: deps.retryBudget,
    ...(deps.random ? { random: deps.random } : {}),
  });
  if (outcome.status === 'failed') log.error(`${work.what} failed for good`, { error: outcome.error });
  if (outcome.status === 'retrying') {
    log.warn(`${work.what} failed; handed to the retry topic`, {
      notBefore: new Date(outcome.retry.notBefore).toISOString(),
    });
  }
  return outcome;
}

/** The span of one request's processing: a consumer span, child of the request's traceparent. */
export function processSpan(
  name: string,
  { request, headers }: ConsumedRequest<FileRequest['request'] | DeleteRequest['request']>,
): Span {
  return startSpan(name, {
    kind: SpanKind.CONSUMER,
    parent: headers.traceparent,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.message.id': headers.id,
      'fileflow.file_id': request.fileId,
    },
  });
}

/** End the requests' spans with their outcomes (none: the slice failed and comes again). */
export function endProcessSpans(spans: readonly Span[], outcomes: readonly ProcessOutcome[] | undefined): void {
  spans.forEach((span, i) => {
    const outcome = outcomes?.[i];
    span.setAttribute('fileflow.outcome', outcome?.status ?? 'not finished');
    if (!outcome || outcome.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
