import {
  attemptOf,
  decideEvent,
  type FileCreated,
  type FileDeleted,
  type FileFormat,
  type FileProcessing,
  type FileState,
  type MessageHeaders,
} from '@fileflow/common';
import type { FileStatusChange, InboxReceipt } from '@fileflow/db';

export type StatusEvent = FileCreated | FileProcessing | FileDeleted;

/** A file's state as a batch is decided on it: whether its deletion was asked for, and its format. */
export interface PlannedFileState extends FileState {
  readonly deletionRequested?: boolean;
  readonly format?: FileFormat;
}

export interface ReceivedStatusEvent {
  readonly event: StatusEvent;
  readonly headers: MessageHeaders;
  /** When the file's request reached Kafka, as the processor passed it on (a `published-at` header). */
  readonly publishedAt?: Date | undefined;
}

export type ApplyOutcome =
  { kind: 'applied' } | { kind: 'ignored'; reason: string } | { kind: 'duplicate' } | { kind: 'unknown-file' };

/** What one transaction writes for a batch of status events. */
export interface StatusBatchPlan {
  /** Per event: its decision, `duplicate` for a repeat within the batch, or `unknown-file`. */
  readonly outcomes: ApplyOutcome[];
  /** One receipt per distinct message, with how many more times the batch holds it. */
  readonly receipts: InboxReceipt[];
  /** Each file's final change (the latest forward move wins; fields come from the terminal event). */
  readonly changes: FileStatusChange[];
  /**
   * Files whose object must be deleted again: an upload ended (`completed`) after their deletion
   * was asked for, so it may have written the object after the deletion ran. Each once.
   */
  readonly deleteAgain: { readonly id: number; readonly format: FileFormat; readonly traceparent?: string }[];
}

/**
 * Decide a batch of status events, in order, against the files' current states: only events of
 * the file's current attempt apply, and only forward moves (`decideEvent`); a message repeated
 * within the batch counts once. Pure.
 *
 * It needs no knowledge of messages taken before: such a message was applied then (so the file
 * is at or past its status now, or on a later attempt) or ignored then (and a file only moves
 * forward since, or on to a later attempt), so it is decided `ignored` again and changes
 * nothing; the inbox then counts it as a duplicate (`recordInboxReceipts`).
 */
export function planStatusBatch(
  consumer: string,
  states: ReadonlyMap<number, PlannedFileState>,
  events: readonly ReceivedStatusEvent[],
): StatusBatchPlan {
  const status = new Map(states);
  const receipts = new Map<string, InboxReceipt>();
  const outcomes: ApplyOutcome[] = [];
  const changes = new Map<number, FileStatusChange>();
  const deleteAgain = new Map<number, StatusBatchPlan['deleteAgain'][number]>();
  for (const { event, headers, publishedAt } of events) {
    const current = status.get(event.fileId);
    if (current === undefined) {
      outcomes.push({ kind: 'unknown-file' });
      continue;
    }
    // Whether applied, ignored or a repeat: the upload it reports may have run after the deletion.
    if (event.status === 'completed' && current.deletionRequested && !deleteAgain.has(event.fileId)) {
      deleteAgain.set(event.fileId, {
        id: event.fileId,
        format: current.format ?? 'txt',
        ...(headers.traceparent ? { traceparent: headers.traceparent } : {}),
      });
    }
    const seen = receipts.get(headers.id);
    if (seen) {
      receipts.set(headers.id, { ...seen, repeats: seen.repeats + 1 });
      outcomes.push({ kind: 'duplicate' });
      continue;
    }
    const attempt = event.status === 'expired' ? current.attempt : attemptOf(event);
    const decision = decideEvent(current, { status: event.status, attempt });
    receipts.set(headers.id, {
      consumer,
      messageId: headers.id,
      type: headers.type,
      aggregateid: String(event.fileId),
      outcome: decision.apply ? 'applied' : 'ignored',
      detail: decision.apply ? null : decision.reason,
      repeats: 0,
    });
    if (!decision.apply) {
      outcomes.push({ kind: 'ignored', reason: decision.reason });
      continue;
    }
    status.set(event.fileId, { ...current, status: event.status });
    const times = {
      reportedAt: new Date(event.timestamp),
      publishedAt: publishedAt ?? changes.get(event.fileId)?.publishedAt ?? null,
    };
    changes.set(event.fileId, statusChange(event, times));
    outcomes.push({ kind: 'applied' });
  }
  return {
    outcomes,
    receipts: [...receipts.values()],
    changes: [...changes.values()],
    deleteAgain: [...deleteAgain.values()],
  };
}

/** What an applied event writes to its file: an expired file keeps no location (its object is gone). */
function statusChange(event: StatusEvent, times: { reportedAt: Date; publishedAt: Date | null }): FileStatusChange {
  if (event.status === 'processing') return { id: event.fileId, status: 'processing', ...times };
  if (event.status === 'expired') return { id: event.fileId, status: 'expired', s3Location: null, ...times };
  return { id: event.fileId, status: event.status, s3Location: event.s3Location, error: event.error ?? null, ...times };
}
