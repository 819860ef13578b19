import { runPeriodically, type Logger, type Runnable } from '@fileflow/common';

export interface BatchedPurgeDeps {
  readonly logger: Logger;
  /** What is deleted, for the log: "old inbox receipts". */
  readonly what: string;
  /** What a batch does to them, for the log (default: they are deleted). */
  readonly verb?: { readonly done: string; readonly doing: string };
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Batches per run at most, so a large backlog is worked off over several runs, not in one long one. */
  readonly maxBatchesPerRun?: number;
  /** Called at the start of each run: handles up to `limit` rows per call, resolves with how many. */
  readonly run: () => (limit: number) => Promise<number>;
}

/** When and how much a purge does: shared by the purges built on `createBatchedPurge`. */
export type PurgeSchedule = Pick<BatchedPurgeDeps, 'intervalMs' | 'batchSize' | 'maxBatchesPerRun'>;

/**
 * Deletes (or otherwise handles, `verb`) rows in batches of short statements (each its own transaction, so no long one holds
 * back the relay's gap-free rule), now and every `intervalMs`, until a batch comes back short.
 * `stop()` waits for a run in progress.
 */
export function createBatchedPurge(deps: BatchedPurgeDeps): Runnable & { purgeOnce(): Promise<number> } {
  const maxBatches = deps.maxBatchesPerRun ?? 100;
  const verb = deps.verb ?? { done: 'deleted', doing: 'deleting' };
  let stopping = false;

  const purgeOnce = async (): Promise<number> => {
    const deleteBatch = deps.run();
    let deleted = 0;
    for (let batch = 0; batch < maxBatches && !stopping; batch++) {
      const n = await deleteBatch(deps.batchSize);
      deleted += n;
      if (n < deps.batchSize) break;
    }
    if (deleted > 0) deps.logger.info(`${deps.what} ${verb.done}`, { rows: deleted });
    return deleted;
  };

  const loop = runPeriodically({
    task: purgeOnce,
    delayMs: () => deps.intervalMs,
    onError: (err) => deps.logger.warn(`${verb.doing} ${deps.what} failed; will retry`, { err: String(err) }),
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
