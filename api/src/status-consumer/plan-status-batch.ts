import {
  attemptOf,
  decideEvent,
  type FileCreated,
  type FileProcessing,
  type FileState,
  type MessageHeaders,
} from '@fileflow/common';
import type { FileStatusChange, InboxReceipt } from '@fileflow/db';

export type StatusEvent = FileCreated | FileProcessing;

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
  states: ReadonlyMap<number, FileState>,
  events: readonly ReceivedStatusEvent[],
): StatusBatchPlan {
  const status = new Map(states);
  const receipts = new Map<string, InboxReceipt>();
  const outcomes: ApplyOutcome[] = [];
  const changes = new Map<number, FileStatusChange>();
  for (const { event, headers, publishedAt } of events) {
    const current = status.get(event.fileId);
    if (current === undefined) {
      outcomes.push({ kind: 'unknown-file' });
      continue;
    }
    const seen = receipts.get(headers.id);
    if (seen) {
      receipts.set(headers.id, { ...seen, repeats: seen.repeats + 1 });
      outcomes.push({ kind: 'duplicate' });
      continue;
    }
    const decision = decideEvent(current, { status: event.status, attempt: attemptOf(event) });
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
    changes.set(
      event.fileId,
      event.status === 'processing'
        ? { id: event.fileId, status: 'processing', ...times }
        : {
            id: event.fileId,
            status: event.status,
            s3Location: event.s3Location,
            error: event.error ?? null,
            ...times,
          },
    );
    outcomes.push({ kind: 'applied' });
  }
  return { outcomes, receipts: [...receipts.values()], changes: [...changes.values()] };
}
