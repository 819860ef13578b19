import type { IHeaders, Message, TopicMessages } from 'kafkajs';
import {
  attemptOf,
  childTraceparent,
  deterministicId,
  encodeRecord,
  withPublishedAt,
  nextRetry,
  s3Location,
  type FileCreate,
  type FileCreated,
  type MessageHeaders,
  type RetryBudget,
  type Topics,
} from '@fileflow/common';
import { objectKeyFor } from './render-file';
import { retryHeaders, type RetryState } from './retry-state';
import type { UploadResult } from './upload-file';

/** A decoded request, with the record it came in (forwarded as it is to the retry topic). */
export interface FileRequest {
  readonly request: FileCreate;
  readonly headers: MessageHeaders;
  readonly original: { readonly value: Buffer | null; readonly headers: IHeaders | undefined };
  /** When the request reached Kafka (ms since the epoch), passed on for the file's timeline. */
  readonly publishedAt?: number | undefined;
}

/** What became of one request: an outcome to announce, or a later try on the retry topic. */
export type ProcessOutcome =
  | { status: 'completed'; s3Location: string }
  | { status: 'failed'; error: string }
  | { status: 'retrying'; retry: RetryState };

export const locationOf = (bucket: string, keyPrefix: string, fileId: number): string =>
  s3Location(bucket, objectKeyFor(keyPrefix, fileId));

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
      retries.push(
        withPublishedAt(
          {
            key: String(request.fileId),
            value: original.value,
            headers: { ...original.headers, ...retryHeaders(outcome.retry) },
          },
          publishedAt,
        ),
      );
      return;
    }
    const value: FileCreated = {
      fileId: request.fileId,
      title: request.title,
      s3Location: locationOf(ctx.bucket, ctx.keyPrefix, request.fileId),
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

/** The request's `attempt`, carried onto what the processor publishes (left out for attempt 1, as it came). */
export const attemptField = (request: FileCreate): { attempt?: number } =>
  request.attempt === undefined ? {} : { attempt: attemptOf(request) };
