/**
 * Broker answers that refuse a record for what it is, so no retry can succeed: the record (or
 * the batch) is larger than the topic takes, it is not a valid record, or its topic name is
 * invalid. Anything else (a broker down, a leader moving, an authorisation missing) is about
 * the cluster, not the row: the batch is retried as a whole, and dead-lettering rows for it
 * would fail files that a fixed cluster could still publish.
 */
const refusingTypes = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TOPIC_EXCEPTION',
]);

/** Why the broker refused a batch for good (e.g. `MESSAGE_TOO_LARGE: ...`), or undefined if it did not. */
export function refusalReason(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const e = err as { type?: unknown; message?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && refusingTypes.has(e.type)) {
    return `${e.type}: ${typeof e.message === 'string' ? e.message : 'refused by the broker'}`;
  }
  const nested = [e.originalError, e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  for (const inner of nested) {
    const reason = refusalReason(inner, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}
