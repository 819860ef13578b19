import { sql, type Kysely } from 'kysely';

/**
 * Formats and expiry: `format` is what the file is made as (`txt`, the design's, for every file
 * before); `expires_at` when its lifetime ends (NULL: never); `deletion_requested_at` when the
 * request to delete its object was written to the outbox (by the expiry sweep or
 * `DELETE /files/:id`), at most once per file. `expired` is the status a file ends in once its
 * object is deleted. The partial index holds only files whose deletion is still to be asked for,
 * so the sweep reads the due ones without scanning the rest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE files
      ADD COLUMN format VARCHAR(10) NOT NULL DEFAULT 'txt'
        CONSTRAINT files_format_check CHECK (format IN ('txt', 'pdf', 'docx')),
      ADD COLUMN expires_at TIMESTAMPTZ,
      ADD COLUMN deletion_requested_at TIMESTAMPTZ`.execute(db);
  await sql`ALTER TABLE files DROP CONSTRAINT files_status_check`.execute(db);
  await sql`
    ALTER TABLE files ADD CONSTRAINT files_status_check
      CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'expired'))`.execute(db);
  await sql`
    CREATE INDEX files_expiry_due_idx ON files (expires_at)
      WHERE expires_at IS NOT NULL AND deletion_requested_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX files_expiry_due_idx`.execute(db);
  await sql`ALTER TABLE files DROP CONSTRAINT files_status_check`.execute(db);
  await sql`
    ALTER TABLE files ADD CONSTRAINT files_status_check
      CHECK (status IN ('pending', 'processing', 'completed', 'failed'))`.execute(db);
  await sql`ALTER TABLE files DROP COLUMN format, DROP COLUMN expires_at, DROP COLUMN deletion_requested_at`.execute(
    db,
  );
}
