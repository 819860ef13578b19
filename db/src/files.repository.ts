import { sql } from 'kysely';
import type { FileState, FileStatus } from '@fileflow/common';
import type { Db } from './connection';
import type { NewOutboxMessage } from './outbox.repository';
import type { FileRow } from './schema';

/**
 * Reserve `n` ids from the `files` sequence in one round trip, ascending. Like any sequence
 * value they are never handed out twice; ids reserved and never used leave gaps.
 */
export async function reserveFileIds(db: Db, n: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence('files', 'id'))::int AS id FROM generate_series(1, ${n}::int)`.execute(db);
  if (rows.length !== n) throw new Error(`the files sequence returned ${rows.length} ids, not ${n}`);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** A new file (status `pending`, id reserved by `reserveFileIds`) and its outbox message. */
export interface NewFileWithOutbox {
  readonly file: { readonly id: number; readonly title: string; readonly description: string };
  readonly message: NewOutboxMessage;
}

/**
 * Insert files and their outbox messages in ONE statement: a single statement is a transaction
 * of its own, so all the rows commit together or not at all, in one round trip (and the
 * transaction holds its xid for that statement only, which keeps the relay's visibility horizon
 * close to now). The rows travel as one JSON document, so the statement's text is the same
 * whatever their number (one prepared statement). Returns the files in the order given.
 */
export async function insertFilesWithOutbox(db: Db, items: readonly NewFileWithOutbox[]): Promise<FileRow[]> {
  if (items.length === 0) return [];
  const doc = JSON.stringify(
    items.map(({ file, message: m }) => ({
      id: file.id,
      title: file.title,
      description: file.description,
      message_id: m.id,
      aggregatetype: m.aggregatetype,
      aggregateid: m.aggregateid,
      type: m.type,
      topic: m.topic,
      payload: m.payload,
      traceparent: m.traceparent,
    })),
  );
  const { rows } = await sql<FileRow>`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${doc}::jsonb) AS r(
        id int, title text, description text, message_id uuid, aggregatetype text, aggregateid text,
        type text, topic text, payload jsonb, traceparent text)
    ), f AS (
      INSERT INTO files (id, title, description, status) SELECT id, title, description, 'pending' FROM r RETURNING *
    ), o AS (
      INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, traceparent)
      SELECT message_id, aggregatetype, aggregateid, type, topic, payload, traceparent FROM r
    )
    SELECT * FROM f`.execute(db);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return items.map(({ file }) => {
    const row = byId.get(file.id);
    if (!row) throw new Error(`file ${file.id} was not returned by its insert`);
    return row;
  });
}

export async function findFileById(db: Db, id: number): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Lock the files' rows for the rest of the transaction, in id order (so two transactions that
 * lock overlapping sets cannot deadlock), and return their states (status and attempt). Ids
 * that do not exist are absent from the result.
 */
export async function lockFileStates(db: Db, ids: readonly number[]): Promise<Map<number, FileState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('files')
    .select(['id', 'status', 'attempt'])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, attempt: r.attempt }]));
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
    .set({ status: 'pending', attempt, s3_location: null, error: null, updated_at: sql<Date>`CURRENT_TIMESTAMP` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
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

/** A file's new status (and location or error); the caller has decided it moves forward. */
export interface FileStatusChange {
  readonly id: number;
  readonly status: FileStatus;
  readonly s3Location?: string | null;
  readonly error?: string | null;
}

/** Apply status changes to their files, one statement for all (a location or error left out is kept). */
export async function updateFileStatuses(db: Db, changes: readonly FileStatusChange[]): Promise<void> {
  if (changes.length === 0) return;
  const col = <T>(f: (c: FileStatusChange) => T) => changes.map(f);
  await sql`
    UPDATE files SET
      status = c.status,
      s3_location = CASE WHEN c.set_location THEN c.s3_location ELSE files.s3_location END,
      error = CASE WHEN c.set_error THEN c.error ELSE files.error END,
      updated_at = CURRENT_TIMESTAMP
    FROM unnest(
      ${col((c) => c.id)}::int[], ${col((c) => c.status)}::text[],
      ${col((c) => c.s3Location !== undefined)}::bool[], ${col((c) => c.s3Location ?? null)}::text[],
      ${col((c) => c.error !== undefined)}::bool[], ${col((c) => c.error ?? null)}::text[]
    ) AS c(id, status, set_location, s3_location, set_error, error)
    WHERE files.id = c.id`.execute(db);
}
