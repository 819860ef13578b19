import { fileLogFields, formatOf, type FileCreate, type FileDelete } from '@fileflow/common';
import { deleteObject } from './delete-object';
import {
  decideOutcome,
  deleteOutcomeRecords,
  locationOf,
  outcomeRecords,
  type ConsumedRequest,
  type ProcessOutcome,
} from './file-outcome';
import { runInSpans, type ProcessFileDeps } from './process-file-requests';
import type { RetryState } from './retry-state';
import { uploadFile } from './upload-file';

/** A request taken from the retry topic, with where it stands in its retries. */
export type RetryRequest<T extends FileCreate | FileDelete = FileCreate> = ConsumedRequest<T> & {
  readonly retry: RetryState;
};

/** A retry slice gave up waiting: its partition is moving to another consumer, or this one stops. */
export class RetryWaitAbandoned extends Error {
  constructor() {
    super('retry slice abandoned while waiting: its records come again to whoever consumes the partition next');
    this.name = 'RetryWaitAbandoned';
  }
}

/** Resolves after `ms`, or early when `signal` aborts; says whether the whole time passed. */
function waitFor(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort);
  });
}

/**
 * Handle records of the retry topic (one partition's, in order): each waits until it is due,
 * at most the backoff's cap (a due time further out is not trusted), then gets one more try.
 * Then, in one Kafka request: `file.created` for the ones done or failed for good (an error no
 * retry fixes, or the budget spent), and the others back on the retry topic for their next
 * round. The waits run side by side, so a slice takes about as long as its latest record's wait.
 * When `signal` aborts (a rebalance takes the partition away, or the consumer stops) the slice
 * gives up at once and rejects, publishing nothing: its offsets stay uncommitted, so its records
 * come again to the partition's next owner, and nothing waits out a backoff.
 */
export async function processRetries(
  deps: ProcessFileDeps & { readonly signal: AbortSignal },
  requests: readonly RetryRequest[],
): Promise<ProcessOutcome[]> {
  if (requests.length === 0) return [];
  return runInSpans(deps, requests, 'retry upload file.create', {
    records: (outcomes, traceparents) => outcomeRecords({ ...deps, now: deps.now() }, requests, outcomes, traceparents),
    upload: (r, traceparent) => retryOnce(deps, r, traceparent),
  });
}

/**
 * Deletions from the retry topic, as `processRetries` does uploads: each waits until due, gets one
 * more try, then `file.deleted` for the done ones and the others back on the retry topic; the
 * ones failed for good come back `failed`, for the caller to send to the dead-letter topic.
 */
export async function processDeleteRetries(
  deps: ProcessFileDeps & { readonly signal: AbortSignal },
  requests: readonly RetryRequest<FileDelete>[],
): Promise<ProcessOutcome[]> {
  if (requests.length === 0) return [];
  return runInSpans(deps, requests, 'retry file.delete', {
    records: (outcomes, traceparents) =>
      deleteOutcomeRecords({ ...deps, now: deps.now() }, requests, outcomes, traceparents),
    upload: (r, traceparent) => retryOnce(deps, r, traceparent),
  });
}

async function retryOnce(
  deps: ProcessFileDeps & { readonly signal: AbortSignal },
  { request, headers, retry }: RetryRequest<FileCreate | FileDelete>,
  traceparent: string | undefined,
): Promise<ProcessOutcome> {
  const log = deps.logger.child({
    ...fileLogFields(request.fileId, traceparent),
    messageId: headers.id,
    round: retry.round,
  });
  const waitMs = Math.min(retry.notBefore - deps.now().getTime(), deps.retryBudget.maxDelayMs);
  if (!(await waitFor(waitMs, deps.signal))) throw new RetryWaitAbandoned();
  const startedAt = deps.now().getTime();
  const once = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, factor: 1 };
  const isUpload = headers.type === 'file.create';
  const result = isUpload
    ? await uploadFile(deps, request as FileCreate, once)
    : await deleteObject(deps, request as FileDelete, once);
  if (isUpload) deps.metrics?.observe((deps.now().getTime() - startedAt) / 1000, result);
  if (result.ok) deps.faults?.hit(isUpload ? 'processor.after-upload' : 'processor.after-delete');
  if (!result.ok) log.warn(isUpload ? 'upload failed' : 'deletion failed', { error: result.detail });
  const outcome = decideOutcome(result, {
    location: locationOf(deps.bucket, deps.keyPrefix, request.fileId, formatOf(request)),
    round: retry.round,
    firstFailedAt: retry.firstFailedAt,
    now: deps.now().getTime(),
    budget: deps.retryBudget,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const what = isUpload ? 'upload' : 'deletion';
  if (outcome.status === 'completed') log.info(`${what} succeeded on retry`);
  if (outcome.status === 'failed') log.error(`${what} failed for good`, { error: outcome.error });
  if (outcome.status === 'retrying') {
    log.warn(`${what} failed again; retrying later`, {
      notBefore: new Date(outcome.retry.notBefore).toISOString(),
      error: outcome.retry.lastError,
    });
  }
  return outcome;
}
