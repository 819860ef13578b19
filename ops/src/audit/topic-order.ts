/**
 * Per-file order, judged from what the topics hold: a file's records all sit in one partition of
 * each topic (its key's), and in that partition they come in an order its life allows.
 *
 * - `file.create` topic: requests. The attempts of a file's `file.create` records never go down
 *   (a repeat of the same attempt is a redelivery), and no `file.create` follows a `file.delete`
 *   (a deletion is written after its file's creation and is final).
 * - Outcome topics (`file.processing`, `file.created`): the attempts of a file's records never go
 *   down. `file.deleted` is left out: a late upload's outcome may follow it, and is deleted again.
 */

/** One record as the check needs it. */
export interface OrderedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Its offset in the partition. */
  readonly offset: bigint;
  readonly key: string;
  /** Its `type` header. */
  readonly type: string;
  /** Its payload's attempt (1 when it names none). */
  readonly attempt: number;
}

export interface OrderViolation {
  readonly topic: string;
  readonly key: string;
  readonly detail: string;
}

export function topicOrderViolations(records: readonly OrderedRecord[]): OrderViolation[] {
  const byKey = new Map<string, OrderedRecord[]>();
  for (const r of records) {
    const k = `${r.topic}\u0000${r.key}`;
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  const violations: OrderViolation[] = [];
  for (const list of byKey.values()) {
    const [first] = list;
    if (!first) continue;
    const { topic, key } = first;
    const partitions = new Set(list.map((r) => r.partition));
    if (partitions.size > 1) {
      violations.push({ topic, key, detail: `records in partitions ${[...partitions].sort().join(', ')}` });
      continue;
    }
    const inOrder = [...list].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    let attempt = 0;
    let deletedAt: bigint | undefined;
    for (const r of inOrder) {
      if (r.type === 'file.delete') {
        deletedAt ??= r.offset;
        continue;
      }
      if (r.type === 'file.deleted') continue;
      if (r.type === 'file.create' && deletedAt !== undefined) {
        violations.push({ topic, key, detail: `file.create at offset ${r.offset} after file.delete at ${deletedAt}` });
      }
      if (r.attempt < attempt) {
        violations.push({
          topic,
          key,
          detail: `${r.type} of attempt ${r.attempt} at offset ${r.offset} after attempt ${attempt}`,
        });
      }
      attempt = Math.max(attempt, r.attempt);
    }
  }
  return violations;
}
