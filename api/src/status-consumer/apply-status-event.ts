import { noFaults, type Faults } from '@fileflow/common';
import { lockFileStates, recordInboxReceipts, updateFileStatuses, type Db } from '@fileflow/db';
import { planStatusBatch, type ApplyOutcome, type ReceivedStatusEvent } from './plan-status-batch';

/** The inbox consumer name of the status consumer. */
export const statusConsumerName = 'api-status-consumer';

/**
 * Apply status events to `files`, each at most once, only forward and only to the attempt they
 * belong to, in one transaction of
 * three statements whatever the batch size: lock the files (in id order, so concurrent
 * transactions cannot deadlock), decide (`planStatusBatch`), write the inbox receipts (a
 * message taken before only raises its duplicate count), write the files' new statuses.
 * Database errors propagate and roll everything back, so the caller does not commit the Kafka
 * offsets and the events come again.
 */
export async function applyStatusEvents(
  db: Db,
  events: readonly ReceivedStatusEvent[],
  faults: Faults = noFaults,
): Promise<ApplyOutcome[]> {
  if (events.length === 0) return [];
  return db.transaction().execute(async (trx): Promise<ApplyOutcome[]> => {
    const states = await lockFileStates(
      trx,
      events.map((e) => e.event.fileId),
    );
    const plan = planStatusBatch(statusConsumerName, states, events);
    const existed = await recordInboxReceipts(trx, plan.receipts);
    await updateFileStatuses(trx, plan.changes);
    if (plan.changes.length > 0) faults.hit('status.before-commit'); // failure suite: crash with the updates not yet committed
    return plan.outcomes.map((o, i) =>
      existed.has(events[i]?.headers.id ?? '') && o.kind !== 'unknown-file' ? { kind: 'duplicate' } : o,
    );
  });
}
