import { sql } from 'kysely';
import type { Db } from '@fileflow/db';
import { runPeriodically, type Logger, type Runnable } from '@fileflow/common';

/**
 * In Debezium mode the outbox is only a conduit: every committed row's INSERT is already in
 * the WAL, which the slot keeps until the connector confirms it, so deleting rows never loses
 * an event. The publication carries INSERTs only, so these DELETEs are not decoded at all.
 * Rows of transactions still in flight are left for the next round.
 *
 * That holds only while the slot exists and has not lost WAL: `guard` says why not to delete
 * (no slot yet, slot invalidated), and then nothing is deleted.
 */
export function createOutboxCleanup(deps: {
  db: Db;
  logger: Logger;
  intervalMs: number;
  guard: () => Promise<string | undefined>;
  onDeleted?: (n: number) => void;
}): Runnable & {
  cleanOnce(): Promise<number>;
} {
  let lastRefusal: string | undefined;
  const cleanOnce = async (): Promise<number> => {
    const refusal = await deps.guard();
    if (refusal !== lastRefusal && refusal) deps.logger.warn('outbox cleanup paused', { reason: refusal });
    lastRefusal = refusal;
    if (refusal) return 0;
    const result = await sql`DELETE FROM outbox WHERE txid < pg_snapshot_xmin(pg_current_snapshot())`.execute(deps.db);
    const n = Number(result.numAffectedRows ?? 0);
    if (n) deps.onDeleted?.(n);
    return n;
  };

  return {
    ...runPeriodically({
      task: cleanOnce,
      delayMs: () => deps.intervalMs,
      onError: (err) => deps.logger.warn('outbox cleanup failed; will retry', { err: String(err) }),
    }),
    cleanOnce,
  };
}
