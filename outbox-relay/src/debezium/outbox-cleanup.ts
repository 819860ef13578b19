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
 *
 * Rows go in batches of `batchSize` (oldest first), each its own short statement, until a batch
 * comes back short or `maxBatchesPerRun` ran: a backlog left by a long pause is worked off over
 * several runs, never in one long transaction that would hold back the rest of the database.
 */
export function createOutboxCleanup(deps: {
  db: Db;
  logger: Logger;
  intervalMs: number;
  guard: () => Promise<string | undefined>;
  /** Rows per delete statement (default 5,000). */
  batchSize?: number;
  /** Statements per run at most (default 100). */
  maxBatchesPerRun?: number;
  onDeleted?: (n: number) => void;
}): Runnable & {
  cleanOnce(): Promise<number>;
} {
  let lastRefusal: string | undefined;
  const batchSize = deps.batchSize ?? 5_000;
  const maxBatches = deps.maxBatchesPerRun ?? 100;
  // Each statement starts after the last row the previous one deleted (`seq > after`): rows the
  // round already deleted stay in the seq index until vacuum, and an index scan from the start
  // would step over all of them again, visiting each heap row while a snapshot somewhere keeps
  // them visible. A row skipped that way (its transaction still open) waits for the next round.
  const deleteBatch = async (after: string): Promise<{ deleted: number; last: string }> => {
    const { rows } = await sql<{ deleted: string; last: string | null }>`
      WITH gone AS (
        DELETE FROM outbox WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM outbox
          WHERE seq > ${after}::bigint AND txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY seq LIMIT ${batchSize}
        ))
        RETURNING seq
      )
      SELECT count(*) AS deleted, max(seq)::text AS last FROM gone`.execute(deps.db);
    const r = rows[0];
    return { deleted: Number(r?.deleted ?? 0), last: r?.last ?? after };
  };
  const cleanOnce = async (): Promise<number> => {
    const refusal = await deps.guard();
    if (refusal !== lastRefusal && refusal) deps.logger.warn('outbox cleanup paused', { reason: refusal });
    lastRefusal = refusal;
    if (refusal) return 0;
    let n = 0;
    let after = '0';
    for (let batch = 0; batch < maxBatches; batch++) {
      const { deleted, last } = await deleteBatch(after);
      after = last;
      n += deleted;
      if (deleted) deps.onDeleted?.(deleted);
      if (deleted < batchSize) break;
    }
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
