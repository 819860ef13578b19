import { z } from 'zod';
import type { Logger, Runnable } from '@fileflow/common';
import { createBatchedPurge } from './batched-purge';
import { requestDueDeletions, type DeleteFileDeps } from './delete-file';

/** Expiry settings: the default lifetime of a file, and how often the sweep looks for ended ones. */
export const expiryEnvSchema = z.object({
  /** The lifetime of a file created without `expiresInSeconds` (unset: kept until deleted). */
  FILE_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  EXPIRY_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
});

export interface ExpirySweepDeps extends DeleteFileDeps {
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Batches per run at most, so a large backlog is worked off over several runs. */
  readonly maxBatchesPerRun?: number;
}

/**
 * Asks for the deletion of files whose lifetime has ended (`requestDueDeletions`), now and every
 * `intervalMs`, in batches of short transactions until a batch comes back short
 * (`createBatchedPurge`). Every API instance runs one; they share the due files (locked rows are
 * skipped), and each file is asked for once. A failed run is logged and tried again at the next
 * interval. `stop()` waits for a run in progress.
 */
export function createExpirySweep(deps: ExpirySweepDeps): Runnable & { purgeOnce(): Promise<number> } {
  return createBatchedPurge({
    logger: deps.logger.child({ component: 'expiry-sweep' }),
    what: 'expired files',
    verb: { done: 'asked for deletion', doing: 'asking for the deletion of' },
    intervalMs: deps.intervalMs,
    batchSize: deps.batchSize,
    maxBatchesPerRun: deps.maxBatchesPerRun ?? 20,
    run: () => (limit) => requestDueDeletions(deps, limit),
  });
}
