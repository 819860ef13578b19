import { sql, type Kysely } from 'kysely';

/**
 * Inbox retention deletes receipts older than a cutoff in batches (`deleteInboxReceiptsBefore`);
 * this index makes each batch a range scan instead of a scan of the whole inbox. `received_at`
 * grows with the inserts, so new entries land on the index's right edge.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX inbox_received_at ON inbox (received_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS inbox_received_at`.execute(db);
}
