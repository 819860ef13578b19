import type { ColumnType, Generated, Insertable, RawBuilder, Selectable } from 'kysely';
import type { FileFormat, FileStatus } from '@fileflow/common';

/** `files`: the design's table, plus `error` (why a file failed) and `attempt` (its current attempt, from 1). */
export interface FilesTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  status: FileStatus;
  s3_location: string | null;
  error: string | null;
  attempt: Generated<number>;
  /** The API key that created the file (NULL: created without a key). */
  owner: string | null;
  /** The time in the latest status event (the processor's clock). */
  reported_at: ColumnType<Date | null, never, Date | null>;
  /** When the file's `file.create` record reached Kafka, as the processor read it. */
  published_at: ColumnType<Date | null, never, Date | null>;
  format: ColumnType<FileFormat, FileFormat | undefined, never>;
  /** When the file's lifetime ends (null: never). */
  expires_at: ColumnType<Date | null, Date | null | undefined, Date | RawBuilder<Date> | null>;
  /** When the request to delete its object went to the outbox (null: not yet). */
  deletion_requested_at: ColumnType<Date | null, never, Date | RawBuilder<Date>>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | RawBuilder<Date>>;
}

/**
 * `outbox`: read by the polling relay and by Debezium's Outbox Event Router alike.
 * `seq` orders rows; `txid` (the writing transaction) lets the poller wait for transactions
 * still in flight so that a row committed late is never skipped or reordered.
 */
export interface OutboxTable {
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  topic: string;
  payload: ColumnType<unknown, string, never>;
  traceparent: string | null;
  created_at: ColumnType<Date, never, never>;
  seq: ColumnType<string, never, never>;
  txid: ColumnType<string, never, never>;
}

/** `outbox_dead_letters`: outbox rows the broker refused for good, with the reason. */
export interface OutboxDeadLettersTable {
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  topic: string;
  payload: ColumnType<unknown, string, never>;
  traceparent: string | null;
  reason: string;
  dead_at: ColumnType<Date, never, never>;
}

/** `inbox`: one row per message a consumer has taken, the key of its deduplication. */
export interface InboxTable {
  consumer: string;
  message_id: string;
  type: string;
  aggregateid: string;
  outcome: 'applied' | 'ignored';
  detail: string | null;
  duplicates: ColumnType<number, number | undefined, number>;
  received_at: ColumnType<Date, never, never>;
}

/** `file_transitions`: every status change, written by a trigger; the audit trail. */
export interface FileTransitionsTable {
  id: Generated<string>;
  file_id: number;
  from_status: FileStatus | null;
  to_status: FileStatus;
  /** The file's attempt after the change. */
  attempt: ColumnType<number, never, never>;
  at: ColumnType<Date, never, never>;
  reported_at: ColumnType<Date | null, never, never>;
  published_at: ColumnType<Date | null, never, never>;
}

/** `api_keys`: a key's public id, name and keyed hash of its secret; revoked keys stay, marked. */
export interface ApiKeysTable {
  id: string;
  name: string;
  secret_hash: Buffer;
  created_at: ColumnType<Date, never, never>;
  revoked_at: ColumnType<Date | null, never, Date | RawBuilder<Date>>;
}

/** `idempotency_keys`: the file a request with an `Idempotency-Key` created, and a hash of that request. */
export interface IdempotencyKeysTable {
  /** The API key's id, '' for requests without one. */
  owner: string;
  key: string;
  request_hash: Buffer;
  file_id: number;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
}

export interface Database {
  files: FilesTable;
  outbox: OutboxTable;
  outbox_dead_letters: OutboxDeadLettersTable;
  inbox: InboxTable;
  file_transitions: FileTransitionsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  outbox_wakeup: { singleton: ColumnType<boolean, never, never>; requested: boolean };
}

export type FileRow = Selectable<FilesTable>;
export type NewFile = Insertable<FilesTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type InboxRow = Selectable<InboxTable>;
