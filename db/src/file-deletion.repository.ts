import { sql } from 'kysely';
import type { FileFormat } from '@fileflow/common';
import type { Db } from './connection';
import type { FileRow } from './schema';

/*
 * A file's deletion (expiry or `DELETE /files/:id`): marking it asked for, and finding the files
 * whose lifetime has ended. The caller writes the `file.delete` outbox messages in the same
 * transaction.
 */

/**
 * Mark the files' deletion as asked for (their lifetime, if later or none, ending now); the
 * caller writes each one's `file.delete` message in the same transaction. Files already marked
 * keep their first mark. Resolves with the rows it marked.
 */
export async function markDeletionRequested(db: Db, ids: readonly number[]): Promise<FileRow[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('files')
    .set({
      deletion_requested_at: sql<Date>`now()`,
      expires_at: sql<Date>`least(coalesce(expires_at, now()), now())`,
      updated_at: sql<Date>`CURRENT_TIMESTAMP`,
    })
    .where('id', 'in', [...ids])
    .where('deletion_requested_at', 'is', null)
    .returningAll()
    .execute();
}

/**
 * Up to `limit` files whose lifetime has ended and whose deletion is not asked for yet, their
 * rows locked for the rest of the transaction; rows another transaction holds are skipped, so
 * several sweeps share the work.
 */
export async function lockDueForDeletion(
  db: Db,
  limit: number,
): Promise<{ readonly id: number; readonly format: FileFormat }[]> {
  return db
    .selectFrom('files')
    .select(['id', 'format'])
    .where('expires_at', '<=', sql<Date>`now()`)
    .where('deletion_requested_at', 'is', null)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** One file, its row locked for the rest of the transaction. */
export async function lockFile(db: Db, id: number): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Move a file to a new attempt: back to `pending`, its location and error cleared. Call it in
 * the transaction that writes the attempt's outbox message, after `decideRetry` said yes.
 */
export async function startFileAttempt(db: Db, id: number, attempt: number): Promise<FileRow> {
  return db
    .updateTable('files')
    .set({
      status: 'pending',
      attempt,
      s3_location: null,
      error: null,
      reported_at: null,
      published_at: null,
      updated_at: sql<Date>`CURRENT_TIMESTAMP`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Delete up to `limit` files that ended `expired` more than `retentionHours` ago by the
 * database's clock, oldest first, with their transitions (the `files_forget_transitions`
 * trigger). Rows another transaction holds are skipped, so several API instances share the
 * work. Resolves with the ids deleted.
 */
export async function purgeExpiredFiles(db: Db, retentionHours: number, limit: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    DELETE FROM files WHERE id IN (
      SELECT id FROM files
      WHERE status = 'expired' AND updated_at < localtimestamp - make_interval(hours => ${retentionHours}::int)
      ORDER BY updated_at
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}
