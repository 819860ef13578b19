import { z } from 'zod';
import { runPeriodically, type Logger, type Runnable } from '@fileflow/common';
import { deleteInboxReceiptsBefore, type Db } from '@fileflow/db';

const HOUR_MS = 3_600_000;

/**
 * Inbox retention settings. The retention must exceed how long a message id can come back:
 * Kafka keeps a status record `log.retention.hours` (168) and its dead letter as long again,
 * replayable by `npm run dlq:replay` (docs/state-machine.md, "Inbox retention").
 */
export const inboxRetentionEnvSchema = z.object({
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3650)
    .default(360),
  INBOX_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  INBOX_RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5_000),
});
export type InboxRetentionEnv = z.infer<typeof inboxRetentionEnvSchema>;

/** Receipts taken before this are deleted. Pure. */
export function retentionCutoff(now: Date, retentionHours: number): Date {
  return new Date(now.getTime() - retentionHours * HOUR_MS);
}

export interface InboxRetentionDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly retentionHours: number;
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Batches per run at most, so a large backlog is worked off over several runs, not in one long one. */
  readonly maxBatchesPerRun?: number;
}

/**
 * Deletes inbox receipts older than the retention, in batches of short statements (each its own
 * transaction, so no long one holds back the relay's gap-free rule), now and every `intervalMs`.
 * `stop()` waits for a run in progress.
 */
export function createInboxRetention(deps: InboxRetentionDeps): Runnable & { purgeOnce(): Promise<number> } {
  const log = deps.logger.child({ component: 'inbox-retention' });
  const maxBatches = deps.maxBatchesPerRun ?? 100;
  let stopping = false;

  const purgeOnce = async (): Promise<number> => {
    const cutoff = retentionCutoff(deps.now(), deps.retentionHours);
    let deleted = 0;
    for (let batch = 0; batch < maxBatches && !stopping; batch++) {
      const n = await deleteInboxReceiptsBefore(deps.db, cutoff, deps.batchSize);
      deleted += n;
      if (n < deps.batchSize) break;
    }
    if (deleted > 0) log.info('old inbox receipts deleted', { deleted, before: cutoff.toISOString() });
    return deleted;
  };

  const loop = runPeriodically({
    task: purgeOnce,
    delayMs: () => deps.intervalMs,
    onError: (err) => log.warn('inbox retention failed; will retry', { err: String(err) }),
  });
  return {
    purgeOnce,
    start: () => {
      stopping = false;
      return loop.start();
    },
    stop: () => {
      stopping = true;
      return loop.stop();
    },
  };
}
