import type { IHeaders, Message, TopicMessages } from 'kafkajs';
import {
  attemptOf,
  childTraceparent,
  deterministicId,
  encodeRecord,
  formatOf,
  withPublishedAt,
  nextRetry,
  s3Location,
  type FileCreate,
  type FileCreated,
  type FileDelete,
  type FileDeleted,
  type FileFormat,
  type MessageHeaders,
  type RetryBudget,
  type Topics,
} from '@fileflow/common';
import { objectKeyFor } from './render-file';
import { retryHeaders, type RetryState } from './retry-state';
import type { UploadResult } from './s3-request';

/** A decoded request, with the record it came in (forwarded as it is to the retry topic). */
export interface ConsumedRequest<T extends FileCreate | FileDelete> {
  readonly request: T;
  readonly headers: MessageHeaders;
  readonly original: { readonly value: Buffer | null; readonly headers: IHeaders | undefined };
  /** When the request reached Kafka (ms since the epoch), passed on for the file's timeline. */
  readonly publishedAt?: number | undefined;
}

/** A request to make a file (`file.create`). */
export type FileRequest = ConsumedRequest<FileCreate>;
/** A request to delete a file's object (`file.delete`). */
export type DeleteRequest = ConsumedRequest<FileDelete>;

/** What became of one request: an outcome to announce, or a later try on the retry topic. */
export type ProcessOutcome =
  | { status: 'completed'; s3Location: string }
  | { status: 'failed'; error: string }
  | { status: 'retrying'; retry: RetryState };

export const locationOf = (bucket: string, keyPrefix: string, fileId: number, format: FileFormat = 'txt'): string =>
  s3Location(bucket, objectKeyFor(keyPrefix, fileId, format));

/**
 * Decide the outcome of an upload that ran `round` (0 = the tries in place, as the request
 * came; n = retry round n): done, failed for good (an error no retry fixes, or the budget
 * spent), or the next round on the retry topic. Pure.
 */
export function decideOutcome(
  result: UploadResult,
  ctx: {
    location: string;
    round: number;
    firstFailedAt: number;
    now: number;
    budget: RetryBudget;
    random?: () => number;
  },
): ProcessOutcome {
  if (result.ok) return { status: 'completed', s3Location: ctx.location };
  if (result.kind === 'permanent') {
    return { status: 'failed', error: `the upload failed and retrying cannot help: ${result.error}` };
  }
  const next = nextRetry(ctx.budget, { firstFailedAt: ctx.firstFailedAt, round: ctx.round + 1 }, ctx.now, ctx.random);
  if (!next.retry) {
    const secs = (n: number) => `${Math.round(n / 1000)} s`;
    return {
      status: 'failed',
      error:
        `the upload kept failing for ${secs(next.elapsedMs)} (${ctx.round} retry rounds, budget ${secs(ctx.budget.budgetMs)}): ` +
        `${result.error}; retry the file once the storage is back`,
    };
  }
  return {
    status: 'retrying',
    retry: {
      round: ctx.round + 1,
      firstFailedAt: ctx.firstFailedAt,
      notBefore: next.notBefore,
      lastError: result.error,
    },
  };
}

/**
 * The records announcing `outcomes` (one per request, in order): `file.created` for the final
 * ones, the request again on the retry topic for the others. `file.created` ids derive from the
 * request id, so every round, and every redelivery, of a request announces under the same id.
 */
export function outcomeRecords(
  ctx: { topics: Topics; bucket: string; keyPrefix: string; now: Date },
  requests: readonly FileRequest[],
  outcomes: readonly ProcessOutcome[],
  /** What each outcome carries as its traceparent (default: a new span id in the request's trace). */
  traceparents?: readonly string[],
): TopicMessages[] {
  const created: Message[] = [];
  const retries: Message[] = [];
  requests.forEach(({ request, headers, original, publishedAt }, i) => {
    const outcome = outcomes[i];
    if (!outcome) return;
    if (outcome.status === 'retrying') {
      retries.push(retryRecord(request.fileId, original, outcome.retry, publishedAt));
      return;
    }
    const value: FileCreated = {
      fileId: request.fileId,
      title: request.title,
      s3Location: locationOf(ctx.bucket, ctx.keyPrefix, request.fileId, formatOf(request)),
      status: outcome.status,
      ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      timestamp: ctx.now.toISOString(),
      ...attemptField(request),
    };
    created.push(
      withPublishedAt(
        encodeRecord(request.fileId, value, {
          id: deterministicId(headers.id, 'file.created'),
          type: 'file.created',
          traceparent: traceparents?.[i] ?? childTraceparent(headers.traceparent),
        }),
        publishedAt,
      ),
    );
  });
  return [
    { topic: ctx.topics.fileCreated, messages: created },
    { topic: ctx.topics.fileCreateRetry, messages: retries },
  ].filter((t) => t.messages.length > 0);
}

/**
 * The records announcing what became of deletion requests: `file.deleted` (on the `file.created`
 * topic, after what was said of the file's creation) for the done ones, the request again on the
 * retry topic for the others. A deletion that failed for good is announced by nothing here: the
 * caller sends its request to the dead-letter topic. Ids derive from the request id, as for
 * `outcomeRecords`.
 */
export function deleteOutcomeRecords(
  ctx: { topics: Topics; bucket: string; keyPrefix: string; now: Date },
  requests: readonly DeleteRequest[],
  outcomes: readonly ProcessOutcome[],
  traceparents?: readonly string[],
): TopicMessages[] {
  const deleted: Message[] = [];
  const retries: Message[] = [];
  requests.forEach(({ request, headers, original, publishedAt }, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === 'retrying') retries.push(retryRecord(request.fileId, original, outcome.retry, publishedAt));
    if (outcome?.status !== 'completed') return;
    const value: FileDeleted = {
      fileId: request.fileId,
      status: 'expired',
      s3Location: locationOf(ctx.bucket, ctx.keyPrefix, request.fileId, formatOf(request)),
      timestamp: ctx.now.toISOString(),
    };
    deleted.push(
      encodeRecord(request.fileId, value, {
        id: deterministicId(headers.id, 'file.deleted'),
        type: 'file.deleted',
        traceparent: traceparents?.[i] ?? childTraceparent(headers.traceparent),
      }),
    );
  });
  return [
    { topic: ctx.topics.fileCreated, messages: deleted },
    { topic: ctx.topics.fileCreateRetry, messages: retries },
  ].filter((t) => t.messages.length > 0);
}

/** A request back on the retry topic: its record as it came, with where it stands in its retries. */
function retryRecord(
  fileId: number,
  original: ConsumedRequest<FileCreate>['original'],
  retry: RetryState,
  publishedAt: number | undefined,
): Message {
  return withPublishedAt(
    { key: String(fileId), value: original.value, headers: { ...original.headers, ...retryHeaders(retry) } },
    publishedAt,
  );
}

/** The request's `attempt`, carried onto what the processor publishes (left out for attempt 1, as it came). */
export const attemptField = (request: FileCreate): { attempt?: number } =>
  request.attempt === undefined ? {} : { attempt: attemptOf(request) };
