import { sql, type Kysely } from 'kysely';

/**
 * `file_transitions` is written once per statement on `files` instead of once per row: the
 * statement's new rows (and, for an update, its old ones) come to one trigger as transition
 * tables, and one `INSERT … SELECT` records every file whose status or attempt changed. The API
 * inserts a group of files per statement and the status consumer updates a batch per statement,
 * so this replaces a PL/pgSQL call and a single-row insert per file with one insert per group.
 * What is recorded is the same, one row per change, in file id order within a statement.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's types */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER files_record_transition ON files`.execute(db);
  await sql`DROP FUNCTION files_record_transition()`.execute(db);
  await sql`
    CREATE FUNCTION files_record_created() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO file_transitions (file_id, from_status, to_status, attempt, reported_at, published_at)
      SELECT n.id, NULL, n.status, n.attempt, n.reported_at, n.published_at FROM created n ORDER BY n.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION files_record_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO file_transitions (file_id, from_status, to_status, attempt, reported_at, published_at)
      SELECT n.id, o.status, n.status, n.attempt, n.reported_at, n.published_at
      FROM after_change n JOIN before_change o ON o.id = n.id
      WHERE n.status IS DISTINCT FROM o.status OR n.attempt IS DISTINCT FROM o.attempt
      ORDER BY n.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER files_record_created AFTER INSERT ON files
    REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION files_record_created()`.execute(db);
  await sql`
    CREATE TRIGGER files_record_changed AFTER UPDATE ON files
    REFERENCING OLD TABLE AS before_change NEW TABLE AS after_change
    FOR EACH STATEMENT EXECUTE FUNCTION files_record_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER files_record_changed ON files`.execute(db);
  await sql`DROP TRIGGER files_record_created ON files`.execute(db);
  await sql`DROP FUNCTION files_record_changed()`.execute(db);
  await sql`DROP FUNCTION files_record_created()`.execute(db);
  await sql`
    CREATE FUNCTION files_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO file_transitions (file_id, from_status, to_status, attempt, reported_at, published_at)
        VALUES (NEW.id, NULL, NEW.status, NEW.attempt, NEW.reported_at, NEW.published_at);
      ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.attempt IS DISTINCT FROM OLD.attempt THEN
        INSERT INTO file_transitions (file_id, from_status, to_status, attempt, reported_at, published_at)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.attempt, NEW.reported_at, NEW.published_at);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER files_record_transition AFTER INSERT OR UPDATE OF status, attempt ON files
    FOR EACH ROW EXECUTE FUNCTION files_record_transition()`.execute(db);
}
