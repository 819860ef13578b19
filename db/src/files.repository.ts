import { sql } from 'kysely';
import type { FileStatus } from '@fileflow/common';
import type { Db } from './connection';
import type { FileRow } from './schema';

/** Insert a new file request with status `pending`. */
export async function insertFile(db: Db, input: { title: string; description: string }): Promise<FileRow> {
  return db
    .insertInto('files')
    .values({ title: input.title, description: input.description, status: 'pending' })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findFileById(db: Db, id: number): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lock the file's row for the rest of the transaction (serialises its status updates). */
export async function lockFileById(db: Db, id: number): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface ListFilesQuery {
  readonly status?: FileStatus | undefined;
  readonly limit: number;
  /** Keyset cursor: only files with an id below this one. */
  readonly before?: number | undefined;
}

/** Newest first (by id), one page. */
export async function listFiles(db: Db, q: ListFilesQuery): Promise<FileRow[]> {
  let query = db.selectFrom('files').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.execute();
}

/** Set a file's status (and location or error); the caller has decided it moves forward. */
export async function updateFileStatus(
  db: Db,
  id: number,
  change: { status: FileStatus; s3Location?: string | null; error?: string | null },
): Promise<void> {
  await db
    .updateTable('files')
    .set({
      status: change.status,
      ...(change.s3Location !== undefined ? { s3_location: change.s3Location } : {}),
      ...(change.error !== undefined ? { error: change.error } : {}),
      updated_at: sql<Date>`CURRENT_TIMESTAMP`,
    })
    .where('id', '=', id)
    .execute();
}
