import { sql, type Kysely } from 'kysely';

/**
 * API keys and idempotency keys.
 *
 * `api_keys` holds each key's public id and a keyed hash of its secret (HMAC-SHA256 with a pepper
 * the database never sees), never the secret. `files.owner` is the id of the key that created the
 * file (NULL: created without a key); a key reads and lists only its own files.
 *
 * `idempotency_keys` remembers, per owner ('' without a key), each `Idempotency-Key` a client sent
 * with `POST /files`, a hash of the request it came with and the file it created. The row commits
 * in the same statement as the file and its outbox row, so a retry finds either all three or none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL CONSTRAINT api_keys_name_check CHECK (length(name) BETWEEN 1 AND 100),
      secret_hash BYTEA NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      revoked_at TIMESTAMPTZ
    )`.execute(db);
  await sql`ALTER TABLE files ADD COLUMN owner TEXT REFERENCES api_keys (id)`.execute(db);
  await sql`CREATE INDEX files_owner_id_idx ON files (owner, id DESC)`.execute(db);
  await sql`CREATE INDEX files_owner_status_id_idx ON files (owner, status, id DESC)`.execute(db);
  await sql`
    CREATE TABLE idempotency_keys (
      owner TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash BYTEA NOT NULL,
      file_id INTEGER NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      expires_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (owner, key)
    )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_keys`.execute(db);
  await sql`DROP INDEX files_owner_status_id_idx`.execute(db);
  await sql`DROP INDEX files_owner_id_idx`.execute(db);
  await sql`ALTER TABLE files DROP COLUMN owner`.execute(db);
  await sql`DROP TABLE api_keys`.execute(db);
}
