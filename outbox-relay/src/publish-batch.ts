import type { Producer } from 'kafkajs';
import { fileLogFields, type Faults, type Logger } from '@fileflow/common';
import { deadLetterOutboxRows, takeOutboxBatch, type ClaimedOutboxRow, type Db } from '@fileflow/db';
import { fullBatch, nextBatchLimit, type BatchLimitState } from './batch-limit';
import { refusalReason } from './publish-refusal';
import { groupByTopic } from './to-kafka-record';

export interface BatchPublisherDeps {
  readonly db: Db;
  readonly producer: Producer;
  readonly logger: Logger;
  readonly batchSize: number;
  /** The most record bytes one batch may carry (read at each claim). */
  readonly maxBatchBytes: () => number;
  /** Told of each batch once it committed (metrics, traces). */
  readonly observer?: PublishObserver;
  /** Fault injection (failure suite): a crash between the broker's ack and the delete. */
  readonly faults?: Faults;
}

/** What the relay tells metrics and traces, once each outcome has committed. */
export interface PublishObserver {
  /** Rows the broker acknowledged and the relay deleted: sent at `sentAt`, acknowledged at `ackedAt` (ms). */
  published(rows: readonly ClaimedOutboxRow[], sentAt: number, ackedAt: number): void;
  /** A row the broker refused for good was dead-lettered (its file is now `failed`). */
  deadLettered(row: { id: string; aggregateid: string; topic: string; reason: string }): void;
}

export interface PublisherStats {
  readonly published: number;
  readonly batches: number;
  readonly refusals: number;
  readonly deadLettered: number;
}

/** The broker refused a batch of several rows for good; the next claim takes fewer. */
export class BatchRefusedError extends Error {
  constructor(
    readonly rows: number,
    readonly reason: string,
  ) {
    super(`the broker refused a batch of ${rows} rows: ${reason}`);
    this.name = 'BatchRefusedError';
  }
}

/** What a file whose request was dead-lettered says in its `error`. */
export const unpublishableError = (reason: string): string =>
  `the request could not be published to Kafka and was dead-lettered (outbox_dead_letters): ${reason}`;

type BatchDone =
  | { kind: 'published'; rows: ClaimedOutboxRow[]; sentAt: number; ackedAt: number }
  | {
      kind: 'dead-lettered';
      row: { id: string; aggregateid: string; topic: string; traceparent: string | null; reason: string };
    };

export interface BatchPublisher {
  /**
   * One batch in one transaction: take rows (select and delete them in one statement, see
   * `takeOutboxBatch`), publish them, wait for the broker's acknowledgement (acks=all), commit.
   * The transaction touches outbox rows only, so while it waits for the broker it holds locks on
   * the rows it took and nothing else. Resolves to how
   * many rows left the outbox: published, or one dead-lettered when the broker refused it alone.
   * A refused batch of several rows rejects with `BatchRefusedError` and is rolled back; the
   * next claim takes fewer rows (`batch-limit.ts`). Any other failure rolls back too.
   */
  publish(): Promise<number>;
  /** Rows the next claim may take. */
  claimRows(): number;
  stats(): PublisherStats;
}

/**
 * A crash before commit leaves the rows for the next batch: at-least-once, never lost;
 * consumers dedupe by the `id` header.
 */
export function createBatchPublisher(deps: BatchPublisherDeps): BatchPublisher {
  const stats = { published: 0, batches: 0, refusals: 0, deadLettered: 0 };
  let limit: BatchLimitState = fullBatch(deps.batchSize);

  const publish = async (): Promise<number> => {
    const done = await deps.db.transaction().execute(async (trx): Promise<BatchDone> => {
      const rows = await takeOutboxBatch(trx, { rows: limit.rows, bytes: deps.maxBatchBytes() }); // deleted, uncommitted
      if (rows.length === 0) return { kind: 'published', rows, sentAt: 0, ackedAt: 0 };
      const sentAt = Date.now();
      try {
        await deps.producer.sendBatch({ topicMessages: groupByTopic(rows), acks: -1 });
      } catch (err) {
        const reason = refusalReason(err);
        if (!reason) throw err;
        stats.refusals += 1;
        const next = nextBatchLimit(limit, { kind: 'refused', rows: rows.length }, deps.batchSize);
        limit = next.state;
        const [row] = rows;
        if (next.decision.kind !== 'dead-letter' || !row) throw new BatchRefusedError(rows.length, reason);
        // Refused alone: it can never be published. Out of the outbox with its reason, its file
        // `failed`, in this transaction (which deleted it); the rows behind it go on.
        await deadLetterOutboxRows(trx, [{ row, reason }], (r) => unpublishableError(r.reason));
        return {
          kind: 'dead-lettered',
          row: { id: row.id, aggregateid: row.aggregateid, topic: row.topic, traceparent: row.traceparent, reason },
        };
      }
      const ackedAt = Date.now();
      deps.faults?.hit('relay.after-publish'); // acknowledged, delete not committed
      return { kind: 'published', rows, sentAt, ackedAt };
    });
    if (done.kind === 'dead-lettered') {
      stats.deadLettered += 1;
      deps.logger.error('outbox row refused by the broker for good: dead-lettered, its file failed', {
        ...fileLogFields(done.row.aggregateid, done.row.traceparent),
        messageId: done.row.id,
        reason: done.row.reason,
      });
      deps.observer?.deadLettered(done.row);
      return 1;
    }
    const n = done.rows.length;
    if (n > 0) {
      limit = nextBatchLimit(limit, { kind: 'published', rows: n }, deps.batchSize).state;
      stats.published += n;
      stats.batches += 1;
      deps.observer?.published(done.rows, done.sentAt, done.ackedAt);
    }
    return n;
  };

  return { publish, claimRows: () => limit.rows, stats: () => ({ ...stats }) };
}
