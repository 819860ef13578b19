import { sql } from 'kysely';
import type { Db } from './connection';

export interface InboxReceipt {
  readonly consumer: string;
  readonly messageId: string;
  readonly type: string;
  readonly aggregateid: string;
  readonly outcome: 'applied' | 'ignored';
  readonly detail: string | null;
  /** How many more times the same batch held this message. */
  readonly repeats: number;
}

/**
 * Record that messages were taken, in one statement. A message already in the inbox keeps its
 * first receipt and has its duplicate count raised (by 1 + repeats); a new one is inserted with
 * `repeats` as its count. Returns the ids of the messages that were already there.
 */
export async function recordInboxReceipts(db: Db, receipts: readonly InboxReceipt[]): Promise<Set<string>> {
  if (receipts.length === 0) return new Set();
  const rows = await db
    .insertInto('inbox')
    .values(
      receipts.map((r) => ({
        consumer: r.consumer,
        message_id: r.messageId,
        type: r.type,
        aggregateid: r.aggregateid,
        outcome: r.outcome,
        detail: r.detail,
        duplicates: r.repeats,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['consumer', 'message_id'])
        .doUpdateSet({ duplicates: sql<number>`inbox.duplicates + excluded.duplicates + 1` }),
    )
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning(['message_id', sql<boolean>`xmax <> 0`.as('existed')])
    .execute();
  return new Set(rows.filter((r) => r.existed).map((r) => r.message_id));
}

/**
 * Delete up to `limit` receipts taken before `cutoff`, oldest first, in one short statement (a
 * range scan of `inbox_received_at`). Returns how many went; fewer than `limit` means none older is left.
 */
export async function deleteInboxReceiptsBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM inbox WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM inbox WHERE received_at < ${cutoff} ORDER BY received_at LIMIT ${limit}
    ))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
