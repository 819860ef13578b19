import type { Producer } from 'kafkajs';
import { backoffDelay, type Faults, type Logger, type RetryPolicy, type Runnable } from '@fileflow/common';
import { cancelWakeup, deadLetterOutboxRows, requestWakeup, takeOutboxBatch, type Db } from '@fileflow/db';
import { batchByteBudget, kafkaDefaultMessageMaxBytes } from './broker-limits';
import { claimLimit, fullBatch, nextBatchLimit, type BatchLimitState } from './batch-limit';
import { refusalReason } from './publish-refusal';
import { groupByTopic } from './to-kafka-record';

export interface RelayDeps {
  readonly db: Db;
  readonly producer: Producer;
  readonly logger: Logger;
  readonly batchSize: number;
  /**
   * The most record bytes one batch may carry, under the broker's `message.max.bytes` (see
   * `batchByteBudget`); read at each claim, since the relay learns the broker's once connected.
   * Default: under Kafka's default limit.
   */
  readonly maxBatchBytes?: () => number;
  /** Failing for this long without a batch going through makes the relay not ready (default 30 s). */
  readonly unreadyAfterMs?: number;
  readonly now?: () => number;
  /** Poll at least this often even without notifications (the fallback). */
  readonly pollIntervalMs: number;
  /**
   * After a batch of several rows (`lingerAfterRows`: rows arrive faster than batches leave),
   * wait this long before the next claim so it takes more rows: fewer transactions and produce
   * requests per row under load. A trickle or a full batch (a backlog) claims again at once.
   */
  readonly lingerMs?: number;
  /** Backoff after a failed batch (Kafka or database down). */
  readonly errorBackoff: RetryPolicy;
  readonly onPublished?: (count: number) => void;
  /** A row the broker refused for good was dead-lettered (its file is now `failed`). */
  readonly onDeadLettered?: (row: { id: string; aggregateid: string; reason: string }) => void;
  /** Fault injection (failure suite): a crash between the broker's ack and the delete. */
  readonly faults?: Faults;
}

/**
 * A batch this large means rows arrive faster than batches leave (load): the relay withdraws its
 * wake-up request, so writers stop notifying, and (if the batch was not full) lingers before the
 * next claim. Smaller batches are a trickle: waiting would only add latency, and the notifications
 * that wake the relay cost less than the claims that would replace them.
 */
const lingerAfterRows = 3;

export interface Relay extends Runnable {
  /** Wake the loop now (called on LISTEN/NOTIFY). */
  notify(): void;
  /**
   * Publish one batch; resolves to how many rows left the outbox (published, or dead-lettered
   * when the broker refused a row alone). A refused batch of several rows rejects with
   * `BatchRefusedError` and leaves its rows for the next, smaller claim.
   */
  drainOnce(): Promise<number>;
  /** Why the relay is not ready: it has been failing for longer than `unreadyAfterMs`. */
  readiness(): string[];
  stats(): RelayStats;
}

export interface RelayStats {
  readonly published: number;
  readonly batches: number;
  readonly failures: number;
  readonly refusals: number;
  readonly deadLettered: number;
  readonly lastError: string | undefined;
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

type BatchDone =
  | { kind: 'published'; rows: number }
  | { kind: 'dead-lettered'; row: { id: string; aggregateid: string; reason: string } };

/** What a file whose request was dead-lettered says in its `error`. */
export const unpublishableError = (reason: string): string =>
  `the request could not be published to Kafka and was dead-lettered (outbox_dead_letters): ${reason}`;

/**
 * The polling relay. Each batch is one transaction: take rows (select and delete them in one
 * statement, see `takeOutboxBatch`), publish them, wait for the broker's acknowledgement
 * (acks=all), commit.
 * A crash before commit leaves the rows for the next batch: at-least-once, never lost;
 * consumers dedupe by the `id` header.
 */
export function createRelay(deps: RelayDeps): Relay {
  const log = deps.logger.child({ component: 'outbox-relay' });
  const stats = {
    published: 0,
    batches: 0,
    failures: 0,
    refusals: 0,
    deadLettered: 0,
    lastError: undefined as string | undefined,
  };
  const now = deps.now ?? Date.now;
  const unreadyAfterMs = deps.unreadyAfterMs ?? 30_000;
  /** When the current run of failed batches began (undefined: the last batch went through). */
  let failingSince: number | undefined;
  let limit: BatchLimitState = fullBatch(deps.batchSize);
  const maxBatchBytes = deps.maxBatchBytes ?? (() => batchByteBudget(kafkaDefaultMessageMaxBytes));
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let stopWake: (() => void) | undefined;
  let pending = false;

  /** Whether this relay asked writers to NOTIFY (see `requestWakeup`). */
  let wakeupRequested = false;
  /** Withdraw the request in the next claim: the last batch showed load (`lingerAfterRows`). */
  let withdrawRequest = false;

  const drainOnce = async (): Promise<number> => {
    const cancelling = wakeupRequested && withdrawRequest;
    const done = await deps.db.transaction().execute(async (trx): Promise<BatchDone> => {
      if (cancelling) await cancelWakeup(trx); // under load: writers can stop notifying
      const rows = await takeOutboxBatch(trx, claimLimit(limit, maxBatchBytes())); // deleted, uncommitted
      if (rows.length === 0) return { kind: 'published', rows: 0 };
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
        return { kind: 'dead-lettered', row: { id: row.id, aggregateid: row.aggregateid, reason } };
      }
      deps.faults?.hit('relay.after-publish'); // acknowledged, delete not committed
      return { kind: 'published', rows: rows.length };
    });
    if (cancelling) {
      wakeupRequested = false; // only once that transaction committed
      withdrawRequest = false;
    }
    failingSince = undefined;
    if (done.kind === 'dead-lettered') {
      stats.deadLettered += 1;
      log.error('outbox row refused by the broker for good: dead-lettered, its file failed', {
        messageId: done.row.id,
        fileId: done.row.aggregateid,
        reason: done.row.reason,
      });
      deps.onDeadLettered?.(done.row);
      return 1;
    }
    if (done.rows > 0) {
      limit = nextBatchLimit(limit, { kind: 'published', rows: done.rows }, deps.batchSize).state;
      stats.published += done.rows;
      stats.batches += 1;
      deps.onPublished?.(done.rows);
    }
    return done.rows;
  };

  const hasWaitingRows = async (): Promise<boolean> => {
    const row = await deps.db.selectFrom('outbox').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  };

  /** Sleep until `ms` passed, `stop()`, or (if `onNotify`) a notification. */
  const waitFor = (ms: number, onNotify = true) =>
    new Promise<void>((resolve) => {
      if ((onNotify && pending) || !running) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = onNotify ? done : undefined;
      stopWake = done;
    });

  /** 2, 4, ... 64 ms (or the poll interval if shorter): something in flight will finish soon. */
  const retryDelay = (retries: number) => Math.min(deps.pollIntervalMs, 2 ** Math.min(retries, 6));

  const run = async () => {
    let failures = 0;
    let idleRetries = 0;
    while (running) {
      pending = false;
      try {
        const n = await drainOnce();
        failures = 0;
        if (n > 0) {
          idleRetries = 0;
          const load = n >= Math.min(lingerAfterRows, deps.batchSize);
          if (load) withdrawRequest = true;
          if (n >= lingerAfterRows && n < deps.batchSize && deps.lingerMs) await waitFor(deps.lingerMs, false);
          // Rows may have committed while this batch was out. Unless writers notify (a request
          // stands and the load is light), look again (at once, or after the linger), and only
          // an empty claim ends the burst. If they notify, a notification meanwhile (`pending`)
          // means look again; without one, go on as after an empty claim: only rows held back
          // can be left, and later ones will notify.
          if (load || !wakeupRequested || pending) continue;
        }
        // Nothing (more) claimable. Rows left are held by a transaction still in flight (the
        // gap-free rule) or locked by another relay: look again soon (2 to 64 ms).
        if (await hasWaitingRows()) {
          idleRetries += 1;
          await waitFor(retryDelay(idleRetries));
        } else if (!wakeupRequested) {
          // About to sleep: ask writers to NOTIFY, then look once more (rows committed before
          // the request was in place notified nobody). A writer in the middle of its
          // transaction makes the request fail: look again shortly instead.
          if (await requestWakeup(deps.db)) {
            idleRetries = 0;
            wakeupRequested = true;
            withdrawRequest = false; // the next claim is the look once more: it keeps the request
          } else {
            idleRetries += 1;
            await waitFor(retryDelay(idleRetries));
          }
        } else {
          await waitFor(deps.pollIntervalMs);
        }
      } catch (err) {
        if (err instanceof BatchRefusedError) {
          // Not a failure of the relay: the next claim takes half as many rows, at once.
          log.warn('the broker refused a batch for good; claiming fewer rows to isolate the row', {
            rows: err.rows,
            nextRows: limit.rows,
            reason: err.reason,
          });
          continue;
        }
        failures += 1;
        stats.failures += 1;
        failingSince ??= now();
        stats.lastError = err instanceof Error ? err.message : String(err);
        const delay = backoffDelay(deps.errorBackoff, failures);
        log.warn('relay batch failed; rows stay in the outbox and will be retried', {
          err: stats.lastError,
          delayMs: delay,
        });
        await waitFor(delay, false);
      }
    }
  };

  return {
    start() {
      if (running) return Promise.resolve();
      running = true;
      loop = run();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      stopWake?.();
      await loop;
    },
    notify() {
      pending = true;
      wake?.();
    },
    drainOnce,
    readiness() {
      if (failingSince === undefined) return [];
      const ms = now() - failingSince;
      if (ms < unreadyAfterMs) return [];
      return [`publishing has failed for ${Math.round(ms / 1000)} s: ${stats.lastError ?? 'unknown error'}`];
    },
    stats: () => ({ ...stats }),
  };
}
