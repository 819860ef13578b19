import type { Kafka } from 'kafkajs';
import {
  createRecordConsumer,
  decodeRecord,
  headerString,
  publishedAtOf,
  fileCreateSchema,
  fileDeleteSchema,
  type ConsumedRecord,
  type ConsumerMetrics,
  type DeadLetter,
  type Decoded,
  type FileCreate,
  type FileDelete,
  type Logger,
  type RecordConsumer,
} from '@fileflow/common';
import type { DeleteRequest, FileRequest, ProcessOutcome } from './file-outcome';
import { processDeleteRequests, processFileRequests, type ProcessFileDeps } from './process-file-requests';
import { processDeleteRetries, processRetries, type RetryRequest } from './process-retries';
import { readRetryState } from './retry-state';

export interface FileRequestConsumerDeps extends Omit<ProcessFileDeps, 'producer'> {
  readonly kafka: Kafka;
  /** The group of `file.create`; the retry topic is consumed by `<groupId>.retry`. */
  readonly groupId: string;
  readonly logger: Logger;
  /** Where both consumers count records and dead letters (none: not counted). */
  readonly consumerMetrics?: ConsumerMetrics;
}

export interface FileRequestConsumer extends RecordConsumer {
  /** Why it is not consuming (either of its consumers), while it is not. */
  problem(): string | undefined;
}

/** A decoded request of either kind, with the record it came in. */
type AnyRequest =
  | { readonly kind: 'create'; readonly item: FileRequest; readonly record: ConsumedRecord }
  | { readonly kind: 'delete'; readonly item: DeleteRequest; readonly record: ConsumedRecord };

/** A request record by its type header: `file.create` or `file.delete` (both travel on the request topics). */
function decodeRequestRecord(
  record: ConsumedRecord,
): { kind: 'create'; decoded: Decoded<FileCreate> } | { kind: 'delete'; decoded: Decoded<FileDelete> } {
  return headerString(record.message.headers, 'type') === 'file.delete'
    ? { kind: 'delete', decoded: decodeRecord(record.message, fileDeleteSchema) }
    : { kind: 'create', decoded: decodeRecord(record.message, fileCreateSchema) };
}

/**
 * Decode records into requests, in order (a repeat of a message id in one slice is done once),
 * and dead letters.
 */
function decodeRequests(records: readonly ConsumedRecord[]): { requests: AnyRequest[]; dead: DeadLetter[] } {
  const dead: DeadLetter[] = [];
  const requests = new Map<string, AnyRequest>();
  for (const record of records) {
    const { kind, decoded } = decodeRequestRecord(record);
    if (!decoded.ok) dead.push({ ...record, reason: decoded.reason });
    else if (!requests.has(decoded.headers.id)) {
      const item = {
        headers: decoded.headers,
        original: { value: record.message.value, headers: record.message.headers },
        // A retry record carries the original's time; a request from file.create has its own.
        publishedAt: publishedAtOf(record.message.headers)?.getTime() ?? Number(record.message.timestamp),
      };
      requests.set(
        decoded.headers.id,
        kind === 'create'
          ? { kind, item: { ...item, request: decoded.value }, record }
          : { kind, item: { ...item, request: decoded.value }, record },
      );
    }
  }
  return { requests: [...requests.values()], dead };
}

/**
 * Split requests into runs of one kind, in order: each run is handled after the one before it
 * has been announced, so a file's deletion never overtakes its creation within a slice.
 */
export function runsOf<T extends { readonly kind: string }>(requests: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (const r of requests) {
    const last = runs[runs.length - 1];
    if (last && last[0]?.kind === r.kind) last.push(r);
    else runs.push([r]);
  }
  return runs;
}

/**
 * Handle a slice's requests run by run (`runsOf`); a deletion that failed for good is set aside
 * as a dead letter (the audit reports it; `npm run dlq:replay` sends it again once fixed).
 */
async function handleRuns<C extends FileRequest, D extends DeleteRequest>(
  requests: readonly AnyRequest[],
  toCreate: (r: AnyRequest & { kind: 'create' }) => C,
  toDelete: (r: AnyRequest & { kind: 'delete' }) => D,
  run: { creates: (rs: C[]) => Promise<ProcessOutcome[]>; deletes: (rs: D[]) => Promise<ProcessOutcome[]> },
): Promise<{ outcomes: ProcessOutcome[]; dead: DeadLetter[] }> {
  const outcomes: ProcessOutcome[] = [];
  const dead: DeadLetter[] = [];
  for (const group of runsOf(requests)) {
    if (group[0]?.kind === 'create') {
      outcomes.push(...(await run.creates(group.map((r) => toCreate(r as AnyRequest & { kind: 'create' })))));
    } else {
      const deletes = group as (AnyRequest & { kind: 'delete' })[];
      const done = await run.deletes(deletes.map(toDelete));
      done.forEach((o, i) => {
        const record = deletes[i]?.record;
        if (o.status === 'failed' && record)
          dead.push({ ...record, reason: `the deletion failed for good: ${o.error}` });
      });
      outcomes.push(...done);
    }
  }
  return { outcomes, dead };
}

const count = (outcomes: readonly ProcessOutcome[], status: ProcessOutcome['status']) =>
  outcomes.filter((o) => o.status === status).length;

/**
 * Consumes `file.create` (its `file.create` and `file.delete` requests), and the retry topic its
 * transient failures go to, with two
 * consumer groups in one process. Records are committed only after their outcomes were
 * published (or they went on to the retry or dead-letter topic): a crash anywhere before that
 * means the requests are processed again, which overwrites the same objects and republishes the
 * same message ids.
 */
export function createFileRequestConsumer(deps: FileRequestConsumerDeps): FileRequestConsumer {
  const log = deps.logger.child({ component: 'file-request-consumer' });
  const retryLog = deps.logger.child({ component: 'file-retry-consumer' });
  const requests = createRecordConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topics.fileCreate],
    logger: log,
    ...(deps.consumerMetrics ? { metrics: deps.consumerMetrics } : {}),
    async handle(records, producer) {
      const { requests: batch, dead } = decodeRequests(records);
      const done = await handleRuns(
        batch,
        (r) => r.item,
        (r) => r.item,
        {
          creates: (rs) => processFileRequests({ ...deps, producer }, rs),
          deletes: (rs) => processDeleteRequests({ ...deps, producer }, rs),
        },
      );
      log.info('file requests processed', {
        files: batch.length,
        failed: count(done.outcomes, 'failed'),
        retrying: count(done.outcomes, 'retrying'),
      });
      return [...dead, ...done.dead];
    },
  });
  const retries = createRecordConsumer({
    kafka: deps.kafka,
    groupId: `${deps.groupId}.retry`,
    topics: [deps.topics.fileCreateRetry],
    logger: retryLog,
    ...(deps.consumerMetrics ? { metrics: deps.consumerMetrics } : {}),
    async handle(records, producer, { signal }) {
      const { requests: batch, dead } = decodeRequests(records);
      const withRetry = <T extends FileCreate | FileDelete>(r: FileRequest | DeleteRequest): RetryRequest<T> => {
        const state = readRetryState(r.original.headers);
        if (state.ok) return { ...(r as RetryRequest<T>), retry: state.state };
        // Repairable: start its retries over, bounded by a fresh budget.
        retryLog.warn('retry record without valid retry headers; starting its retries over', {
          fileId: r.request.fileId,
          reason: state.reason,
        });
        const now = deps.now().getTime();
        return { ...(r as RetryRequest<T>), retry: { round: 1, firstFailedAt: now, notBefore: now, lastError: '' } };
      };
      const done = await handleRuns(
        batch,
        (r) => withRetry<FileCreate>(r.item),
        (r) => withRetry<FileDelete>(r.item),
        {
          creates: (rs) => processRetries({ ...deps, producer, signal }, rs),
          deletes: (rs) => processDeleteRetries({ ...deps, producer, signal }, rs),
        },
      );
      retryLog.info('file retries processed', {
        files: batch.length,
        completed: count(done.outcomes, 'completed'),
        failed: count(done.outcomes, 'failed'),
        retrying: count(done.outcomes, 'retrying'),
      });
      return [...dead, ...done.dead];
    },
  });
  return {
    async start() {
      // Each only once: a start that failed half-way is tried again by the caller.
      if (!requests.isRunning()) await requests.start();
      if (!retries.isRunning()) await retries.start();
    },
    async stop() {
      await Promise.all([requests.stop(), retries.stop()]);
    },
    isRunning: () => requests.isRunning() && retries.isRunning(),
    problem: () => {
      const reasons = [
        ...(requests.isRunning() ? [] : [`file requests: ${requests.problem() ?? 'not running'}`]),
        ...(retries.isRunning() ? [] : [`upload retries: ${retries.problem() ?? 'not running'}`]),
      ];
      return reasons.length ? reasons.join('; ') : undefined;
    },
  };
}
