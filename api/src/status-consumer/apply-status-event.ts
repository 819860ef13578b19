import { childTraceparent, noFaults, type Faults, type FileStatus, type Topics } from '@fileflow/common';
import { insertOutboxMessages, lockFileStates, recordInboxReceipts, updateFileStatuses, type Db } from '@fileflow/db';
import { fileDeleteOutboxMessage } from '../file-delete-message';
import { cacheVersion } from '../redis/file-cache';
import { planStatusBatch, type ApplyOutcome, type ReceivedStatusEvent } from './plan-status-batch';

/** A file and its version after a change (`fileVersion`). */
export interface FileVersion {
  readonly id: number;
  readonly version: number;
}

/** A status change that committed: from and to which status, and when its file was created. */
export interface AppliedChange {
  readonly id: number;
  readonly from: FileStatus;
  readonly to: FileStatus;
  readonly createdAt: Date;
}

/** The inbox consumer name of the status consumer. */
export const statusConsumerName = 'api-status-consumer';

/**
 * Apply status events to `files`, each at most once, only forward and only to the attempt they
 * belong to, in one transaction of
 * three statements whatever the batch size (a fourth when an upload ended after its file's
 * deletion was asked for: its `file.delete` goes out again, `deleteAgain`): lock the files (in id order, so concurrent
 * transactions cannot deadlock), decide (`planStatusBatch`), write the inbox receipts (a
 * message taken before only raises its duplicate count), write the files' new statuses.
 * Database errors propagate and roll everything back, so the caller does not commit the Kafka
 * offsets and the events come again. `beforeCommit` is told of the files that change, with
 * their new versions (`fileVersion`), once the updates are written and before they commit: the
 * cache marks them there, so no reader can cache an older copy once the commit is visible.
 * `afterCommit` is told of the changes once they committed (metrics).
 */
export async function applyStatusEvents(
  db: Db,
  events: readonly ReceivedStatusEvent[],
  {
    faults = noFaults,
    beforeCommit,
    afterCommit,
    deleteAgain,
  }: {
    faults?: Faults;
    /** How the `file.delete` messages of uploads that ended after their file's deletion are made. */
    deleteAgain?: { topics: Topics; newId: () => string; now: () => Date };
    beforeCommit?: (changed: FileVersion[]) => Promise<void>;
    afterCommit?: (applied: AppliedChange[]) => void;
  } = {},
): Promise<ApplyOutcome[]> {
  if (events.length === 0) return [];
  let applied: AppliedChange[] = [];
  const outcomes = await db.transaction().execute(async (trx) => {
    const states = await lockFileStates(
      trx,
      events.map((e) => e.event.fileId),
    );
    const plan = planStatusBatch(statusConsumerName, states, events);
    const existed = await recordInboxReceipts(trx, plan.receipts);
    await updateFileStatuses(trx, plan.changes);
    if (deleteAgain && plan.deleteAgain.length > 0) {
      await insertOutboxMessages(
        trx,
        plan.deleteAgain.map((f) =>
          fileDeleteOutboxMessage(f, {
            topics: deleteAgain.topics,
            messageId: deleteAgain.newId(),
            traceparent: childTraceparent(f.traceparent),
            now: deleteAgain.now(),
            reason: 'late-upload',
          }),
        ),
      );
    }
    if (plan.changes.length > 0) faults.hit('status.before-commit'); // failure suite: crash with the updates not yet committed
    const outcomes = plan.outcomes.map((o, i): ApplyOutcome =>
      existed.has(events[i]?.headers.id ?? '') && o.kind !== 'unknown-file' ? { kind: 'duplicate' } : o,
    );
    if (beforeCommit && plan.changes.length > 0) {
      await beforeCommit(
        plan.changes.map((c) => ({
          id: c.id,
          version: cacheVersion({
            status: c.status,
            attempt: states.get(c.id)?.attempt ?? 1,
            deletionRequested: states.get(c.id)?.deletionRequested ?? false,
          }),
        })),
      );
    }
    applied = plan.changes.flatMap((c) => {
      const before = states.get(c.id);
      return before ? [{ id: c.id, from: before.status, to: c.status, createdAt: before.createdAt }] : [];
    });
    return outcomes;
  });
  afterCommit?.(applied);
  return outcomes;
}
