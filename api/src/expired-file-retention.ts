import { z } from 'zod';
import type { Logger, Runnable } from '@fileflow/common';
import { purgeExpiredFiles, type Db } from '@fileflow/db';
import { createBatchedPurge, type PurgeSchedule } from './batched-purge';
import { goneVersion, type FileCache } from './redis/file-cache';

/**
 * How long the row of an expired file is kept (unset: for good), and how the purge runs. A
 * purged file answers 404 where it answered `expired`.
 */
export const expiredFileRetentionEnvSchema = z.object({
  EXPIRED_FILE_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3650)
    .optional(),
  EXPIRED_FILE_PURGE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  EXPIRED_FILE_PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/**
 * The config's problem, if any: an expired file's row must outlive the inbox retention, which is
 * kept above how far a replay reaches. Until then a status record of the file can still come back
 * (a redelivery, a dead letter replayed), and the status consumer decides it against the file's
 * row; without the row it would be dead-lettered as a record of an unknown file. Pure.
 */
export function expiredFileRetentionProblem(c: {
  EXPIRED_FILE_RETENTION_HOURS?: number | undefined;
  INBOX_RETENTION_HOURS: number;
}): string | undefined {
  const hours = c.EXPIRED_FILE_RETENTION_HOURS;
  if (hours === undefined || hours >= c.INBOX_RETENTION_HOURS) return undefined;
  return `EXPIRED_FILE_RETENTION_HOURS (${hours}) must be at least INBOX_RETENTION_HOURS (${c.INBOX_RETENTION_HOURS}): a status record can come back while its inbox receipt lives`;
}

export interface ExpiredFileRetentionDeps extends PurgeSchedule {
  readonly db: Db;
  readonly logger: Logger;
  /** The Redis cache of files (none: not cached): the files purged are marked gone before the delete commits. */
  readonly cache?: Pick<FileCache, 'invalidate'> | undefined;
  readonly retentionHours: number;
}

/**
 * Deletes the rows of files that ended `expired` more than `retentionHours` ago, with their
 * transitions (`purgeExpiredFiles`), now and every `intervalMs`, in batches of short transactions
 * (`createBatchedPurge`). Every API instance runs one; they share the rows (locked ones are
 * skipped). Before each batch commits, its files are marked gone in the cache (`goneVersion`), as
 * the status consumer marks the files it changes: once the delete is visible, no read is answered
 * from an older copy.
 */
export function createExpiredFileRetention(
  deps: ExpiredFileRetentionDeps,
): Runnable & { purgeOnce(): Promise<number> } {
  return createBatchedPurge({
    logger: deps.logger.child({ component: 'expired-file-retention' }),
    what: 'rows of expired files',
    intervalMs: deps.intervalMs,
    batchSize: deps.batchSize,
    maxBatchesPerRun: deps.maxBatchesPerRun,
    run: () => (limit) =>
      deps.db.transaction().execute(async (trx) => {
        const ids = await purgeExpiredFiles(trx, deps.retentionHours, limit);
        await deps.cache?.invalidate(ids.map((id) => ({ id, version: goneVersion })));
        return ids.length;
      }),
  });
}
