import type { Db } from './connection';

export interface InboxReceipt {
  readonly consumer: string;
  readonly messageId: string;
  readonly type: string;
  readonly aggregateid: string;
  readonly outcome: 'applied' | 'ignored';
  readonly detail: string | null;
}

/**
 * Record that `consumer` took message `messageId`. Returns `'first'` the first time, and
 * `'duplicate'` afterwards (counting the duplicate): the caller applies the message's effect
 * only on `'first'`, in the same transaction.
 */
export async function recordInboxReceipt(db: Db, r: InboxReceipt): Promise<'first' | 'duplicate'> {
  const row = await db
    .insertInto('inbox')
    .values({
      consumer: r.consumer,
      message_id: r.messageId,
      type: r.type,
      aggregateid: r.aggregateid,
      outcome: r.outcome,
      detail: r.detail,
    })
    .onConflict((oc) =>
      oc.columns(['consumer', 'message_id']).doUpdateSet((eb) => ({ duplicates: eb('inbox.duplicates', '+', 1) })),
    )
    .returning('duplicates')
    .executeTakeFirstOrThrow();
  return row.duplicates === 0 ? 'first' : 'duplicate';
}
