import { sql, type Kysely } from 'kysely';

/**
 * When each step of a file happened, as the steps themselves report it, for its timeline:
 * `reported_at` is the time in the status event (the processor's clock when it started, and when
 * the upload ended), `published_at` when its `file.create` record reached Kafka (the record's
 * timestamp, which the processor passes on). `files` holds the latest; the transition trigger
 * copies them into each `file_transitions` row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE files ADD COLUMN reported_at TIMESTAMPTZ, ADD COLUMN published_at TIMESTAMPTZ`.execute(db);
  await sql`ALTER TABLE file_transitions ADD COLUMN reported_at TIMESTAMPTZ, ADD COLUMN published_at TIMESTAMPTZ`.execute(
    db,
  );
  await sql`
    CREATE OR REPLACE FUNCTION files_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
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
  await sql`ALTER TABLE file_transitions DROP COLUMN reported_at, DROP COLUMN published_at`.execute(db);
  await sql`ALTER TABLE files DROP COLUMN reported_at, DROP COLUMN published_at`.execute(db);
}
