import { sql, type Kysely } from 'kysely';

/**
 * The outbox is a queue: every row is inserted once and deleted soon after (by the polling
 * relay's claim, or Debezium mode's cleanup), so its dead rows come in bursts as large as the
 * backlog. Each delete leaves an entry in the `seq` index in front of the live rows, and every
 * claim and cleanup statement steps over those entries until vacuum removes them.
 *
 * PostgreSQL's default waits for 20 % of the table to be dead (1,000,000 rows at a backlog of
 * 5,000,000) and then vacuums at the throttled default cost limit. For this table: vacuum after
 * a fixed number of dead rows, whatever the backlog's size, and with a ten times larger cost
 * budget, so one pass over a backlog of millions ends in seconds rather than minutes. The
 * figures behind these values are in docs/scaling.md ("The outbox at millions of rows").
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's types */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE outbox SET (
      autovacuum_vacuum_scale_factor = 0,
      autovacuum_vacuum_threshold = 10000,
      autovacuum_vacuum_cost_limit = 2000
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE outbox RESET (
      autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_cost_limit
    )`.execute(db);
}
