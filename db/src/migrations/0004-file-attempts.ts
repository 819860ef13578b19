import { sql, type Kysely } from 'kysely';

/**
 * Attempts: `POST /files/:id/retry` sends a failed file through again as attempt n + 1, and
 * events of an earlier attempt must not change it. `files.attempt` is the file's current
 * attempt; `file_transitions.attempt` records the attempt of every change, so the audit can tell
 * a new attempt's `failed -> pending` from a status that went backwards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE files ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1 CONSTRAINT files_attempt_check CHECK (attempt >= 1)`.execute(
    db,
  );
  await sql`ALTER TABLE file_transitions ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION files_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO file_transitions (file_id, from_status, to_status, attempt) VALUES (NEW.id, NULL, NEW.status, NEW.attempt);
      ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.attempt IS DISTINCT FROM OLD.attempt THEN
        INSERT INTO file_transitions (file_id, from_status, to_status, attempt) VALUES (NEW.id, OLD.status, NEW.status, NEW.attempt);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TRIGGER files_record_transition ON files`.execute(db);
  await sql`
    CREATE TRIGGER files_record_transition AFTER INSERT OR UPDATE OF status, attempt ON files
    FOR EACH ROW EXECUTE FUNCTION files_record_transition()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER files_record_transition ON files`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION files_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO file_transitions (file_id, from_status, to_status) VALUES (NEW.id, NULL, NEW.status);
      ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO file_transitions (file_id, from_status, to_status) VALUES (NEW.id, OLD.status, NEW.status);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER files_record_transition AFTER INSERT OR UPDATE OF status ON files
    FOR EACH ROW EXECUTE FUNCTION files_record_transition()`.execute(db);
  await sql`ALTER TABLE file_transitions DROP COLUMN attempt`.execute(db);
  await sql`ALTER TABLE files DROP COLUMN attempt`.execute(db);
}
