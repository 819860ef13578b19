import type { Kafka } from 'kafkajs';
import {
  createRecordConsumer,
  decodeRecord,
  publishedAtOf,
  fileCreateSchema,
  type ConsumedRecord,
  type ConsumerMetrics,
  type DeadLetter,
  type Logger,
  type RecordConsumer,
} from '@fileflow/common';
import type { FileRequest, ProcessOutcome } from './file-outcome';
import { processFileRequests, type ProcessFileDeps } from './process-file-requests';
import { processRetries, type RetryRequest } from './process-retries';
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

/** Decode records into requests (a repeat of a message id in one slice is done once) and dead letters. */
function decodeRequests(records: readonly ConsumedRecord[]): { requests: FileRequest[]; dead: DeadLetter[] } {
  const dead: DeadLetter[] = [];
  const requests = new Map<string, FileRequest>();
  for (const record of records) {
    const decoded = decodeRecord(record.message, fileCreateSchema);
    if (!decoded.ok) dead.push({ ...record, reason: decoded.reason });
    else if (!requests.has(decoded.headers.id)) {
      requests.set(decoded.headers.id, {
        request: decoded.value,
        headers: decoded.headers,
        original: { value: record.message.value, headers: record.message.headers },
        // A retry record carries the original's time; a request from file.create has its own.
        publishedAt: publishedAtOf(record.message.headers)?.getTime() ?? Number(record.message.timestamp),
      });
    }
  }
  return { requests: [...requests.values()], dead };
}

const count = (outcomes: readonly ProcessOutcome[], status: ProcessOutcome['status']) =>
  outcomes.filter((o) => o.status === status).length;

/**
 * Consumes `file.create`, and the retry topic its transient upload failures go to, with two
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
      const outcomes = await processFileRequests({ ...deps, producer }, batch);
      log.info('file requests processed', {
        files: batch.length,
        failed: count(outcomes, 'failed'),
        retrying: count(outcomes, 'retrying'),
      });
      return dead;
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
      const due = batch.map((r): RetryRequest => {
        const state = readRetryState(r.original.headers);
        if (state.ok) return { ...r, retry: state.state };
        // Repairable: start its retries over, bounded by a fresh budget.
        retryLog.warn('retry record without valid retry headers; starting its retries over', {
          fileId: r.request.fileId,
          reason: state.reason,
        });
        const now = deps.now().getTime();
        return { ...r, retry: { round: 1, firstFailedAt: now, notBefore: now, lastError: '' } };
      });
      const outcomes = await processRetries({ ...deps, producer, signal }, due);
      retryLog.info('file retries processed', {
        files: due.length,
        completed: count(outcomes, 'completed'),
        failed: count(outcomes, 'failed'),
        retrying: count(outcomes, 'retrying'),
      });
      return dead;
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
