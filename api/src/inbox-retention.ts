import { z } from 'zod';
import type { Logger, Runnable } from '@fileflow/common';
import { deleteInboxReceiptsBefore, type Db } from '@fileflow/db';
import { createBatchedPurge, type PurgeSchedule } from './batched-purge';

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

export interface InboxRetentionDeps extends PurgeSchedule {
  readonly db: Db;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly retentionHours: number;
}

/** Deletes inbox receipts older than the retention (`createBatchedPurge`), now and every `intervalMs`. */
export function createInboxRetention(deps: InboxRetentionDeps): Runnable & { purgeOnce(): Promise<number> } {
  return createBatchedPurge({
    logger: deps.logger.child({ component: 'inbox-retention' }),
    what: 'old inbox receipts',
    intervalMs: deps.intervalMs,
    batchSize: deps.batchSize,
    maxBatchesPerRun: deps.maxBatchesPerRun,
    run: () => {
      const cutoff = retentionCutoff(deps.now(), deps.retentionHours);
      return (limit) => deleteInboxReceiptsBefore(deps.db, cutoff, limit);
    },
  });
}
