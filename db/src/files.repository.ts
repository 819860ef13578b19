import { sql } from 'kysely';
import type { FileFormat, FileState, FileStatus } from '@fileflow/common';
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

/** The `Idempotency-Key` a file request came with, and what to remember of it. */
export interface NewIdempotencyKey {
  readonly key: string;
  /** SHA-256 of the request, to tell a retry from another request reusing the key. */
  readonly requestHash: Buffer;
  /** How long the key is remembered. */
  readonly ttlSeconds: number;
}

/** A new file (status `pending`, id reserved by `reserveFileIds`) and its outbox message. */
export interface NewFileWithOutbox {
  readonly file: {
    readonly id: number;
    readonly title: string;
    readonly description: string;
    /** The API key that creates it (null: none). */
    readonly owner?: string | null;
    /** What it is made as (default `txt`). */
    readonly format?: FileFormat;
    /** Its lifetime from its creation, in seconds (none: it never expires). */
    readonly expiresInSeconds?: number | null;
  };
  readonly message: NewOutboxMessage;
  readonly idempotency?: NewIdempotencyKey;
}

/**
 * Insert files and their outbox messages in ONE statement: a single statement is a transaction
 * of its own, so all the rows commit together or not at all, in one round trip (and the
 * transaction holds its xid for that statement only, which keeps the relay's visibility horizon
 * close to now). The rows travel as one JSON document, so the statement's text is the same
 * whatever their number (one prepared statement).
 *
 * A file with an idempotency key is written only if its owner has no live row for that key (an
 * expired one is taken over): the key's row commits with the file and its outbox message. A
 * concurrent request with the same key waits for the first to commit, then writes nothing.
 * Returns the files in the order given, `undefined` for a file not written because its
 * idempotency key was taken (`findIdempotencyKey` tells by what).
 */
export async function insertFilesWithOutbox(
  db: Db,
  items: readonly NewFileWithOutbox[],
): Promise<(FileRow | undefined)[]> {
  if (items.length === 0) return [];
  const doc = JSON.stringify(
    items.map(({ file, message: m, idempotency: k }) => ({
      id: file.id,
      title: file.title,
      description: file.description,
      owner: file.owner ?? null,
      format: file.format ?? 'txt',
      expires_in: file.expiresInSeconds ?? null,
      idem_key: k?.key ?? null,
      idem_hash: k?.requestHash.toString('hex') ?? null,
      idem_ttl: k?.ttlSeconds ?? null,
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
        id int, title text, description text, owner text, format text, expires_in bigint, idem_key text, idem_hash text, idem_ttl int,
        message_id uuid, aggregatetype text, aggregateid text, type text, topic text, payload jsonb,
        traceparent text)
    ), k AS (
      INSERT INTO idempotency_keys (owner, key, request_hash, file_id, expires_at)
      SELECT coalesce(owner, ''), idem_key, decode(idem_hash, 'hex'), id, now() + make_interval(secs => idem_ttl)
      FROM r WHERE idem_key IS NOT NULL
      ON CONFLICT (owner, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, file_id = EXCLUDED.file_id, created_at = now(),
            expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()
      RETURNING file_id
    ), w AS (
      SELECT * FROM r WHERE idem_key IS NULL OR id IN (SELECT file_id FROM k)
    ), f AS (
      INSERT INTO files (id, title, description, status, owner, format, expires_at)
      SELECT id, title, description, 'pending', owner, format, now() + make_interval(secs => expires_in) FROM w
      RETURNING *
    ), o AS (
      INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, traceparent)
      SELECT message_id, aggregatetype, aggregateid, type, topic, payload, traceparent FROM w
    )
    SELECT * FROM f`.execute(db);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return items.map(({ file, idempotency }) => {
    const row = byId.get(file.id);
    if (!row && !idempotency) throw new Error(`file ${file.id} was not returned by its insert`);
    return row;
  });
}

/** What an owner's idempotency key stands for, while it lives. */
export interface IdempotencyRecord {
  readonly fileId: number;
  readonly requestHash: Buffer;
  readonly expiresAt: Date;
}

export async function findIdempotencyKey(
  db: Db,
  owner: string | null,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['file_id', 'request_hash', 'expires_at'])
    .where('owner', '=', owner ?? '')
    .where('key', '=', key)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && { fileId: row.file_id, requestHash: row.request_hash, expiresAt: row.expires_at };
}

/** Delete up to `limit` idempotency keys that expired before `cutoff`; resolves with how many. */
export async function deleteExpiredIdempotencyKeys(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { numAffectedRows } = await sql`
    DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM idempotency_keys WHERE expires_at < ${cutoff} ORDER BY expires_at LIMIT ${limit}
    ))`.execute(db);
  return Number(numAffectedRows ?? 0);
}

/**
 * Whose files a request may see: those of one API key, or (`null`) those created without a key.
 * Internal callers that act for the system pass no owner.
 */
export type Owner = string | null;

export async function findFileById(db: Db, id: number, owner?: Owner): Promise<FileRow | undefined> {
  let query = db.selectFrom('files').selectAll().where('id', '=', id);
  if (owner !== undefined) query = query.where('owner', owner === null ? 'is' : '=', owner);
  return query.executeTakeFirst();
}

/** A file's state as the status consumer decides on it. */
export interface LockedFileState extends FileState {
  readonly createdAt: Date;
  readonly format: FileFormat;
  /** Whether the deletion of its object was asked for. */
  readonly deletionRequested: boolean;
}

/**
 * Lock the files' rows for the rest of the transaction, in id order (so two transactions that
 * lock overlapping sets cannot deadlock), and return their states (status and attempt), when
 * they were created, their format and whether their deletion was asked for. Ids that do not
 * exist are absent from the result.
 */
export async function lockFileStates(db: Db, ids: readonly number[]): Promise<Map<number, LockedFileState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('files')
    .select(['id', 'status', 'attempt', 'created_at', 'format', 'deletion_requested_at'])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        status: r.status,
        attempt: r.attempt,
        createdAt: r.created_at,
        format: r.format,
        deletionRequested: r.deletion_requested_at !== null,
      },
    ]),
  );
}

export interface ListFilesQuery {
  readonly owner: Owner;
  readonly status?: FileStatus | undefined;
  readonly limit: number;
  /** Keyset cursor: only files with an id below this one. */
  readonly before?: number | undefined;
}

/**
 * An owner's files, newest first (by id), one page. Ordered by the columns of the index that
 * serves it, `(owner, id DESC)` or `(owner, status, id DESC)`: all rows share the owner and the
 * status, so the order is by id all the same, and PostgreSQL reads the index in its order for
 * `owner IS NULL` too (from `ORDER BY id` alone it would sort every file of that owner and
 * status, or walk the whole primary key for a rare status).
 */
export async function listFiles(db: Db, q: ListFilesQuery): Promise<FileRow[]> {
  let query = db
    .selectFrom('files')
    .selectAll()
    .where('owner', q.owner === null ? 'is' : '=', q.owner)
    .orderBy('owner');
  if (q.status) query = query.where('status', '=', q.status).orderBy('status');
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** A file's new status (and location or error); the caller has decided it moves forward. */
export interface FileStatusChange {
  readonly id: number;
  readonly status: FileStatus;
  readonly s3Location?: string | null;
  readonly error?: string | null;
  /** The time in the event that moved it. */
  readonly reportedAt?: Date | null;
  /** When its request reached Kafka (kept when not given). */
  readonly publishedAt?: Date | null;
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
      reported_at = c.reported_at,
      published_at = coalesce(c.published_at, files.published_at),
      updated_at = CURRENT_TIMESTAMP
    FROM unnest(
      ${col((c) => c.id)}::int[], ${col((c) => c.status)}::text[],
      ${col((c) => c.s3Location !== undefined)}::bool[], ${col((c) => c.s3Location ?? null)}::text[],
      ${col((c) => c.error !== undefined)}::bool[], ${col((c) => c.error ?? null)}::text[],
      ${col((c) => c.reportedAt?.toISOString() ?? null)}::timestamptz[],
      ${col((c) => c.publishedAt?.toISOString() ?? null)}::timestamptz[]
    ) AS c(id, status, set_location, s3_location, set_error, error, reported_at, published_at)
    WHERE files.id = c.id`.execute(db);
}
