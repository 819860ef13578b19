import {
  decideTransition,
  noFaults,
  type Faults,
  type FileCreated,
  type FileProcessing,
  type MessageHeaders,
} from '@fileflow/common';
import { lockFileById, recordInboxReceipt, updateFileStatus, type Db } from '@fileflow/db';

/** The inbox consumer name of the status consumer. */
export const statusConsumerName = 'api-status-consumer';

export type StatusEvent = FileCreated | FileProcessing;

export type ApplyOutcome =
  { kind: 'applied' } | { kind: 'ignored'; reason: string } | { kind: 'duplicate' } | { kind: 'unknown-file' };

/**
 * Apply one status event to `files`, once, in one transaction:
 * lock the file, decide (forward only), record the message in the inbox, update.
 * A message seen before changes nothing but its duplicate count. Database errors
 * propagate, so the caller does not commit the Kafka offset and the event comes again.
 */
export async function applyStatusEvent(
  db: Db,
  event: StatusEvent,
  headers: MessageHeaders,
  faults: Faults = noFaults,
): Promise<ApplyOutcome> {
  return db.transaction().execute(async (trx): Promise<ApplyOutcome> => {
    const file = await lockFileById(trx, event.fileId);
    if (!file) return { kind: 'unknown-file' };
    const decision = decideTransition(file.status, event.status);
    const receipt = await recordInboxReceipt(trx, {
      consumer: statusConsumerName,
      messageId: headers.id,
      type: headers.type,
      aggregateid: String(event.fileId),
      outcome: decision.apply ? 'applied' : 'ignored',
      detail: decision.apply ? null : decision.reason,
    });
    if (receipt === 'duplicate') return { kind: 'duplicate' };
    if (!decision.apply) return { kind: 'ignored', reason: decision.reason };
    await updateFileStatus(
      trx,
      event.fileId,
      event.status === 'processing'
        ? { status: 'processing' }
        : { status: event.status, s3Location: event.s3Location, error: event.error ?? null },
    );
    faults.hit('status.before-commit'); // failure suite: crash with the update not yet committed
    return { kind: 'applied' };
  });
}
