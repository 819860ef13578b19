import { sql, type Kysely } from 'kysely';

/**
 * Fewer writes per file, in the statements every file goes through (the API's insert and the
 * status consumer's updates); what reads these tables is unchanged.
 *
 * - `files_status_id_idx` goes: every query that filters `files` by status also filters by
 *   owner (the list endpoint, the live page's summary), which `files_owner_status_id_idx`
 *   serves. Status is the column every change writes, so every index holding it takes an entry
 *   per change.
 * - `file_transitions` is keyed by `(file_id, id)`, the order its readers use (a file's
 *   journey, the audit), instead of `id` beside an index on `(file_id, id)`: one index where
 *   there were two, the same lookups.
 * - Its foreign key to `files` goes. Its only writer is the trigger on `files`, which writes the
 *   id of the row it fires for, so the reference always holds; the key's check ran a query and
 *   locked the file's row again for every transition. What the key's `ON DELETE CASCADE` did, a
 *   statement trigger does: deleting files deletes their transitions.
 *
 * Rebuilding the key reads the whole of `file_transitions` once, holding its lock (and so the
 * writes to `files`) meanwhile: seconds at millions of rows.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's types */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX files_status_id_idx`.execute(db);
  await sql`ALTER TABLE file_transitions DROP CONSTRAINT file_transitions_file_id_fkey`.execute(db);
  await sql`ALTER TABLE file_transitions DROP CONSTRAINT file_transitions_pkey`.execute(db);
  await sql`DROP INDEX file_transitions_file_idx`.execute(db);
  await sql`ALTER TABLE file_transitions ADD CONSTRAINT file_transitions_pkey PRIMARY KEY (file_id, id)`.execute(db);
  await sql`
    CREATE FUNCTION files_forget_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM file_transitions t USING gone WHERE t.file_id = gone.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER files_forget_transitions AFTER DELETE ON files
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION files_forget_transitions()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER files_forget_transitions ON files`.execute(db);
  await sql`DROP FUNCTION files_forget_transitions()`.execute(db);
  await sql`ALTER TABLE file_transitions DROP CONSTRAINT file_transitions_pkey`.execute(db);
  await sql`ALTER TABLE file_transitions ADD CONSTRAINT file_transitions_pkey PRIMARY KEY (id)`.execute(db);
  await sql`CREATE INDEX file_transitions_file_idx ON file_transitions (file_id, id)`.execute(db);
  await sql`
    ALTER TABLE file_transitions ADD CONSTRAINT file_transitions_file_id_fkey
      FOREIGN KEY (file_id) REFERENCES files (id) ON DELETE CASCADE`.execute(db);
  await sql`CREATE INDEX files_status_id_idx ON files (status, id DESC)`.execute(db);
}
