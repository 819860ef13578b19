import { sql, type Kysely } from 'kysely';

/**
 * Where the polling relay puts an outbox row the broker refuses for good (a record larger than
 * the topic takes, an invalid record): out of the outbox, so it never blocks the rows behind
 * it, and kept with the reason, so an operator can see it and the audit can report it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE outbox_dead_letters (
      id UUID PRIMARY KEY,
      aggregatetype VARCHAR(255) NOT NULL,
      aggregateid VARCHAR(255) NOT NULL,
      type VARCHAR(255) NOT NULL,
      topic VARCHAR(255) NOT NULL,
      payload JSONB NOT NULL,
      traceparent VARCHAR(55),
      reason TEXT NOT NULL,
      dead_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX outbox_dead_letters_aggregate_idx ON outbox_dead_letters (aggregatetype, aggregateid)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS outbox_dead_letters`.execute(db);
}
