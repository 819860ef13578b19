import type { Producer } from 'kafkajs';
import { errorKind, type Faults, type Logger, type RetryPolicy, type Runnable } from '@fileflow/common';
import { cancelWakeup, outboxIdleState, requestWakeup, type Db } from '@fileflow/db';
import { batchByteBudget, kafkaDefaultMessageMaxBytes } from './broker-limits';
import { BatchRefusedError, createBatchPublisher, type PublishObserver, type PublisherStats } from './publish-batch';
import {
  firstAction,
  initialSchedule,
  nextStep,
  type ScheduleAction,
  type ScheduleConfig,
  type ScheduleEvent,
  type ScheduleState,
} from './relay-schedule';

export { BatchRefusedError, unpublishableError } from './publish-batch';

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
   * Under load (a batch of several rows, `lingerAfterRows`), wait this long before the next
   * claim so it takes more rows: fewer transactions and produce requests per row. A trickle or
   * a full batch (a backlog) claims again at once.
   */
  readonly lingerMs?: number;
  /** Backoff after a failed step (Kafka or database down). */
  readonly errorBackoff: RetryPolicy;
  /** Told of what was published or dead-lettered, and of failed steps (metrics, traces). */
  readonly observer?: PublishObserver & { failed?(err: unknown): void };
  /** Fault injection (failure suite): a crash between the broker's ack and the delete. */
  readonly faults?: Faults;
}

export interface Relay extends Runnable {
  /** Wake the loop now (called on LISTEN/NOTIFY). */
  notify(): void;
  /** Publish one batch outside the loop (see `BatchPublisher.publish`); resolves to the rows that left the outbox. */
  drainOnce(): Promise<number>;
  /** Why the relay is not ready: it has been failing for longer than `unreadyAfterMs`. */
  readiness(): string[];
  stats(): RelayStats;
}

export interface RelayStats extends PublisherStats {
  readonly failures: number;
  readonly lastError: string | undefined;
}

/**
 * The polling relay: a loop that carries out what `nextStep` (`relay-schedule.ts`) decides,
 * one action at a time, and publishes through `createBatchPublisher`.
 */
export function createRelay(deps: RelayDeps): Relay {
  const log = deps.logger.child({ component: 'outbox-relay' });
  const publisher = createBatchPublisher({
    ...deps,
    logger: log,
    maxBatchBytes: deps.maxBatchBytes ?? (() => batchByteBudget(kafkaDefaultMessageMaxBytes)),
  });
  const schedule: ScheduleConfig = {
    batchSize: deps.batchSize,
    lingerMs: deps.lingerMs ?? 0,
    pollIntervalMs: deps.pollIntervalMs,
    errorBackoff: deps.errorBackoff,
  };
  const now = deps.now ?? Date.now;
  const unreadyAfterMs = deps.unreadyAfterMs ?? 30_000;
  let failures = 0;
  let lastError: string | undefined;
  let lastErrorKind: string | undefined;
  /** When the current run of failed steps began (undefined: the last claim went through). */
  let failingSince: number | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let stopWake: (() => void) | undefined;
  /** A notification came in since the current claim began. */
  let pending = false;

  /** Sleep until `ms` passed, `stop()`, or (if `onNotify`) a notification. */
  const waitFor = (ms: number, onNotify: boolean) =>
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

  /** One batch; a batch that went through (or found nothing) ends a run of failures. */
  const claim = async (): Promise<number> => {
    const rows = await publisher.publish();
    failingSince = undefined;
    return rows;
  };

  /** Carry out one action; resolves to what happened. */
  const perform = async (action: ScheduleAction): Promise<ScheduleEvent> => {
    switch (action.kind) {
      case 'claim': {
        // Lowered in a statement of its own: the flag's row lock is never held across a send,
        // so another relay raising or lowering it never waits for this relay's broker.
        if (action.withdraw) await cancelWakeup(deps.db);
        const before = pending;
        pending = false;
        const rows = await claim();
        return { kind: 'claimed', rows, notified: pending, requestStood: before || pending, withdrew: action.withdraw };
      }
      case 'look': {
        const { rowsWaiting, wakeupRaised } = await outboxIdleState(deps.db);
        return { kind: 'looked', rowsWaiting, wakeupRaised };
      }
      case 'request-wakeup':
        return { kind: 'wakeup-requested', raised: await requestWakeup(deps.db) };
      case 'wait':
        await waitFor(action.ms, action.wakeOnNotify);
        return { kind: 'waited' };
    }
  };

  /** What a failed action means: a refusal (claim fewer rows at once) or a failure (back off). */
  const failed = (err: unknown): ScheduleEvent => {
    if (err instanceof BatchRefusedError) {
      log.warn('the broker refused a batch for good; claiming fewer rows to isolate the row', {
        rows: err.rows,
        nextRows: publisher.claimRows(),
        reason: err.reason,
      });
      return { kind: 'refused' };
    }
    failures += 1;
    failingSince ??= now();
    lastError = err instanceof Error ? err.message : String(err);
    lastErrorKind = errorKind(err);
    deps.observer?.failed?.(err);
    log.warn('relay step failed; rows stay in the outbox and will be retried', { err: lastError });
    return { kind: 'failed' };
  };

  const run = async () => {
    let state: ScheduleState = initialSchedule;
    let action: ScheduleAction = firstAction;
    while (running) {
      const event = await perform(action).catch(failed);
      ({ state, action } = nextStep(state, event, schedule));
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
    drainOnce: claim,
    readiness() {
      if (failingSince === undefined) return [];
      const ms = now() - failingSince;
      if (ms < unreadyAfterMs) return [];
      // The kind of error only: readiness answers carry no internal detail (the log has the message).
      return [`kafka: publishing has failed for ${Math.round(ms / 1000)} s (${lastErrorKind ?? 'unknown error'})`];
    },
    stats: () => ({ ...publisher.stats(), failures, lastError }),
  };
}
