import { sql } from 'kysely';
import type { Db } from './connection';
import { wakeupLockKey } from './wakeup-lock';
import type { OutboxRow } from './schema';

export interface NewOutboxMessage {
  readonly id: string;
  readonly aggregatetype: string;
  readonly aggregateid: string;
  readonly type: string;
  readonly topic: string;
  readonly payload: unknown;
  readonly traceparent: string | null;
}

/** Add a message to the outbox; call it inside the transaction that changes the aggregate. */
export async function insertOutboxMessage(db: Db, m: NewOutboxMessage): Promise<void> {
  await insertOutboxMessages(db, [m]);
}

/** Add messages to the outbox in one statement, in order; call it inside the transaction that changes them. */
export async function insertOutboxMessages(db: Db, messages: readonly NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db
    .insertInto('outbox')
    .values(messages.map((m) => ({ ...m, payload: JSON.stringify(m.payload) })))
    .execute();
}

/**
 * An outbox row as the relay claims it: what a Kafka record needs, the payload as jsonb text.
 * (Not `created_at`, `seq`, `txid`: parsing them cost the relay CPU on every row of a backlog.)
 */
export type ClaimedOutboxRow = Pick<
  OutboxRow,
  'id' | 'aggregatetype' | 'aggregateid' | 'type' | 'topic' | 'traceparent' | 'created_at'
> & {
  payload: string;
};

/** What a claim may take: at most `rows` rows, whose records add up to at most `bytes`. */
export interface ClaimLimit {
  readonly rows: number;
  readonly bytes: number;
}

/**
 * What one row adds to a produce request beyond its key, value and header values: the record's
 * framing (length, attributes, delta varints) and the header names (`id`, `type`,
 * `traceparent`), rounded up.
 */
export const recordOverheadBytes = 64;

/**
 * The `application_name` of the polling relays' database sessions (`openRelayDb`). A claim
 * leaves out of its gap-free bound the transactions of sessions so named: relays never write
 * outbox rows, so no row can hide behind one, and one relay's claim, open while it waits for
 * its broker, does not hold back the rows written meanwhile from the other relays.
 */
export const relayApplicationName = 'fileflow-outbox-relay';

/**
 * Take up to `limit.rows` rows to publish: select them and delete them in one statement, inside
 * the caller's transaction. The caller publishes them, then commits; if publishing fails or the
 * process dies first, the transaction rolls back and the rows are still there (at least once).
 *
 * - Gap-free: only rows written by transactions older than every writer's transaction still
 *   running are eligible: below the oldest transaction in progress in the statement's snapshot
 *   that is not a relay's (sessions named `relayApplicationName`, as `pg_stat_activity` shows
 *   them; a session the relay's role may not see counts as a writer, which only holds rows back
 *   longer). The claim reads the view's function, `pg_stat_get_activity(NULL)`, without the
 *   view's joins to `pg_database` and `pg_authid`: the claim is planned on every execution (see
 *   `DbOptions.planEachExecution`), and the joins were a third of its planning time. A row whose
 *   transaction commits late becomes eligible later; none is ever passed over for good.
 * - Ordered per aggregate: a row is taken only when no older row (by `seq`) of the same
 *   aggregate remains, so a file's events leave in the order they were written even with
 *   several relays (a row another relay has taken but not yet committed is still there for
 *   this check). The rows come back in `seq` order.
 * - Bounded in bytes: the rows taken are the longest prefix (by `seq`) whose records fit in
 *   `limit.bytes`, and always at least one, so a batch fits the broker's request limit and a row
 *   too large on its own is still tried (and refused) alone. Rows locked but not taken stay in
 *   the outbox.
 * - `SKIP LOCKED`: concurrent relays take disjoint batches instead of waiting.
 *
 * `payload` comes back as PostgreSQL's jsonb text, the exact bytes Debezium publishes for the
 * same row, so both relays produce identical records.
 */
export const takeOutboxBatchQuery = (limit: ClaimLimit) => sql<ClaimedOutboxRow>`
    WITH bound AS MATERIALIZED (
      SELECT coalesce(
               (SELECT min(x) FROM pg_snapshot_xip(snap.s) x
                 WHERE (x::text::bigint % 4294967296) NOT IN (
                   SELECT a.backend_xid::text::bigint FROM pg_stat_get_activity(NULL) a
                   WHERE a.application_name = ${relayApplicationName} AND a.backend_xid IS NOT NULL)),
               pg_snapshot_xmax(snap.s)) AS xid
      FROM (SELECT pg_current_snapshot() AS s) snap
    ), claimed AS (
      SELECT o.id, o.seq,
             octet_length(o.payload::text) + octet_length(o.aggregateid) + octet_length(o.id::text)
               + octet_length(o.type) + coalesce(octet_length(o.traceparent), 0) + ${recordOverheadBytes} AS bytes
      FROM outbox o
      WHERE o.txid < (SELECT xid FROM bound)
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.aggregatetype = o.aggregatetype AND p.aggregateid = o.aggregateid AND p.seq < o.seq
        )
      ORDER BY o.seq
      LIMIT ${limit.rows}
      FOR UPDATE OF o SKIP LOCKED
    ), fitting AS (
      SELECT id, sum(bytes) OVER (ORDER BY seq) AS running, row_number() OVER (ORDER BY seq) AS n FROM claimed
    ), taken AS (
      -- = ANY(ARRAY(...)): a primary-key lookup per claimed id; a join to the claimed rows gets
      -- planned as a sequential scan of the whole outbox.
      DELETE FROM outbox d
      WHERE d.id = ANY(ARRAY(SELECT id FROM fitting WHERE n = 1 OR running <= ${limit.bytes}))
      RETURNING d.id, d.aggregatetype, d.aggregateid, d.type, d.topic, d.payload::text AS payload, d.traceparent, d.created_at, d.seq
    )
    SELECT id, aggregatetype, aggregateid, type, topic, payload, traceparent, created_at FROM taken ORDER BY seq`;

export async function takeOutboxBatch(db: Db, limit: ClaimLimit): Promise<ClaimedOutboxRow[]> {
  const { rows } = await takeOutboxBatchQuery(limit).execute(db);
  return rows;
}

/** Up to this many rows, `outboxBacklog` counts exactly. */
export const outboxBacklogExactUpTo = 100_000;

/**
 * Rows waiting and the age of the oldest, for the metrics, the health and live pages and the
 * audit, at a cost that does not grow with the backlog (Prometheus reads it every few seconds;
 * counting millions of rows reads the whole table each time):
 *
 * - `count` is exact up to `exactUpTo` rows; above, it is the span of `seq` from the first row to
 *   the last, which counts also the few rows in between already gone (taken out of order, or
 *   rolled back);
 * - `oldestAgeMs` is the age of the first row in `seq` order, the one a relay publishes next.
 */
export async function outboxBacklog(
  db: Db,
  { exactUpTo = outboxBacklogExactUpTo }: { exactUpTo?: number } = {},
): Promise<{ count: number; oldestAgeMs: number | null }> {
  const { rows } = await sql<{ count: string; oldest_age_ms: number | null }>`
    WITH counted AS (SELECT count(*) AS n FROM (SELECT 1 FROM outbox LIMIT ${exactUpTo}) capped),
         head AS (SELECT seq, created_at FROM outbox ORDER BY seq LIMIT 1),
         tail AS (SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1)
    SELECT CASE WHEN counted.n < ${exactUpTo} THEN counted.n ELSE tail.seq - head.seq + 1 END AS count,
           (extract(epoch FROM now() - head.created_at) * 1000)::float8 AS oldest_age_ms
    FROM counted LEFT JOIN head ON true LEFT JOIN tail ON true`.execute(db);
  const r = rows[0];
  return { count: Number(r?.count ?? 0), oldestAgeMs: r?.oldest_age_ms ?? null };
}

/**
 * What a relay with nothing to claim needs to know before it sleeps, in one statement: whether
 * any row is left (claimable or not), and whether the wake-up request stands (raised by this
 * relay or another; several relays share it, so none keeps its state in memory).
 */
export async function outboxIdleState(db: Db): Promise<{ rowsWaiting: boolean; wakeupRaised: boolean }> {
  const { rows } = await sql<{ rows_waiting: boolean; wakeup_raised: boolean | null }>`
    SELECT EXISTS (SELECT 1 FROM outbox) AS rows_waiting,
           (SELECT requested FROM outbox_wakeup) AS wakeup_raised`.execute(db);
  const r = rows[0];
  return { rowsWaiting: r?.rows_waiting ?? false, wakeupRaised: r?.wakeup_raised ?? false };
}

/**
 * A relay about to sleep asks writers to NOTIFY. In one statement (so one transaction): take the
 * wake-up lock exclusively, then raise the flag. Writers hold the same lock *shared* from the
 * moment their trigger reads the flag until they commit, so when the lock is ours every writer
 * that read "lowered" has committed (the caller's next claim sees its rows), and every later
 * writer reads "raised" and notifies. Call `claimOutboxBatch` once more after this, then sleep.
 *
 * The lock is only *tried*: waiting for it would queue every new writer behind the relay for as
 * long as some writer's transaction stays open. Resolves to false when a writer holds it; the
 * caller then looks again a little later instead of sleeping.
 */
export async function requestWakeup(db: Db): Promise<boolean> {
  const { rows } = await sql<{ raised: boolean }>`
    WITH locked AS (SELECT pg_try_advisory_xact_lock(${wakeupLockKey}::bigint) AS ok)
    UPDATE outbox_wakeup SET requested = true FROM locked WHERE locked.ok
    RETURNING true AS raised`.execute(db);
  return rows.length > 0;
}

/**
 * A relay under load lowers the flag: writers stop notifying. A statement of its own (not inside
 * a claim's transaction), so the flag's row is locked only for that statement; when the flag is
 * already lowered it matches no row and locks nothing.
 */
export async function cancelWakeup(db: Db): Promise<void> {
  await db.updateTable('outbox_wakeup').set({ requested: false }).where('requested', '=', true).execute();
}
