import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's types */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE files (
      id SERIAL PRIMARY KEY,
      title VARCHAR(255) NOT NULL,
      description TEXT,
      status VARCHAR(50) NOT NULL
        CONSTRAINT files_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
      s3_location VARCHAR(500),
      error TEXT,
      created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
    )`.execute(db);
  await sql`CREATE INDEX files_status_id_idx ON files (status, id DESC)`.execute(db);

  await sql`
    CREATE TABLE outbox (
      id UUID PRIMARY KEY,
      aggregatetype VARCHAR(255) NOT NULL,
      aggregateid VARCHAR(255) NOT NULL,
      type VARCHAR(255) NOT NULL,
      topic VARCHAR(255) NOT NULL,
      payload JSONB NOT NULL,
      traceparent VARCHAR(55),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      seq BIGINT GENERATED ALWAYS AS IDENTITY,
      txid XID8 NOT NULL DEFAULT pg_current_xact_id()
    )`.execute(db);
  await sql`CREATE INDEX outbox_seq_idx ON outbox (seq)`.execute(db);
  await sql`CREATE INDEX outbox_aggregate_seq_idx ON outbox (aggregatetype, aggregateid, seq)`.execute(db);
  // Wake the polling relay when rows commit (NOTIFY is delivered at commit, never before).
  await sql`
    CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('outbox', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`.execute(db);

  await sql`
    CREATE TABLE inbox (
      consumer VARCHAR(100) NOT NULL,
      message_id UUID NOT NULL,
      type VARCHAR(255) NOT NULL,
      aggregateid VARCHAR(255) NOT NULL,
      outcome VARCHAR(20) NOT NULL CHECK (outcome IN ('applied', 'ignored')),
      detail TEXT,
      duplicates INTEGER NOT NULL DEFAULT 0,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`.execute(db);

  await sql`
    CREATE TABLE file_transitions (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
      from_status VARCHAR(50),
      to_status VARCHAR(50) NOT NULL,
      at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
    )`.execute(db);
  await sql`CREATE INDEX file_transitions_file_idx ON file_transitions (file_id, id)`.execute(db);
  await sql`
    CREATE FUNCTION files_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
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
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS file_transitions, inbox, outbox, files CASCADE`.execute(db);
  await sql`DROP FUNCTION IF EXISTS outbox_notify(), files_record_transition()`.execute(db);
}
