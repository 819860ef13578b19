/** The outbox backlog the outbox-scale phase measures: how it is written, and how the table is seen. */
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '@fileflow/db';

/** The outbox table as `pg_stat_user_tables` and the size functions see it. */
export interface OutboxTableStats {
  readonly heapMb: number;
  readonly indexesMb: number;
  readonly seqIndexMb: number;
  readonly liveTuples: number;
  readonly deadTuples: number;
  readonly autovacuums: number;
  readonly autoanalyzes: number;
  readonly lastAutovacuum: string | null;
  /** Time autovacuum spent on the table so far (PostgreSQL 18's `total_autovacuum_time`). */
  readonly autovacuumMs: number;
  readonly reloptions: string[];
}

const mb = (bytes: string | number) => Math.round(Number(bytes) / 1048576);

/**
 * The table's sizes and counters. `worker` is the one-connection pool the measured statements
 * ran on: its counters are flushed first (a backend otherwise sends them up to 10 s later).
 */
export async function outboxTableStats(worker: Db): Promise<OutboxTableStats> {
  await sql`SELECT pg_stat_force_next_flush()`.execute(worker);
  await sql`SELECT pg_stat_clear_snapshot()`.execute(worker);
  const { rows } = await sql<{
    heap: string;
    idx: string;
    seq_idx: string;
    live: string;
    dead: string;
    av: string;
    aa: string;
    last_av: Date | null;
    av_ms: number | null;
    opts: string[] | null;
  }>`
    SELECT pg_table_size('outbox') AS heap, pg_indexes_size('outbox') AS idx,
           pg_relation_size('outbox_seq_idx') AS seq_idx,
           s.n_live_tup AS live, s.n_dead_tup AS dead, s.autovacuum_count AS av,
           s.autoanalyze_count AS aa, s.last_autovacuum AS last_av,
           s.total_autovacuum_time AS av_ms, c.reloptions AS opts
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.relname = 'outbox'`.execute(worker);
  const r = rows[0];
  if (!r) throw new Error('no outbox table');
  return {
    heapMb: mb(r.heap),
    indexesMb: mb(r.idx),
    seqIndexMb: mb(r.seq_idx),
    liveTuples: Number(r.live),
    deadTuples: Number(r.dead),
    autovacuums: Number(r.av),
    autoanalyzes: Number(r.aa),
    lastAutovacuum: r.last_av ? r.last_av.toISOString() : null,
    autovacuumMs: Number(r.av_ms ?? 0),
    reloptions: r.opts ?? [],
  };
}

/**
 * `n` committed outbox rows shaped as the API writes them, in statements of 20,000 rows (a long
 * insert would hold back every polling relay on the server, whose gap-free rule waits for the
 * oldest running transaction): mostly
 * one `file.create` per file (the API's payload: id, title, description, timestamp; a
 * traceparent), every 20th row a `file.delete` of a file created 5,000 rows earlier, every 50th
 * a second attempt's `file.create` two rows after the file's first (same claim: held back by
 * the per-file order). ANALYZE at the end stands for the auto-analyze a growing table gets.
 */
export async function insertApiShapedBacklog(db: Db, topic: string, n: number): Promise<number> {
  const started = performance.now();
  const chunk = 20_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await sql`
      INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, traceparent)
      SELECT gen_random_uuid(), 'file', k.agg::text, k.type, ${topic},
             CASE WHEN k.type = 'file.delete'
               THEN jsonb_build_object('fileId', k.agg, 'reason', 'requested', 'timestamp', ts)
               ELSE jsonb_build_object('fileId', k.agg, 'title', 'Quarterly report ' || k.agg || '.pdf',
                      'description', 'Figures for the board, generated from the sales ledger of region ' || (k.agg % 97),
                      'timestamp', ts) || CASE WHEN k.retry THEN '{"attempt": 2}'::jsonb ELSE '{}'::jsonb END
             END,
             '00-' || md5(g::text) || '-' || substr(md5((g + 1)::text), 1, 16) || '-01'
      FROM generate_series(${from}::int, ${to}::int) g,
           to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ts,
           LATERAL (SELECT
             CASE WHEN g % 20 = 0 AND g > 5000 THEN g - 5000 WHEN g % 50 = 7 THEN g - 2 ELSE g END AS agg,
             CASE WHEN g % 20 = 0 AND g > 5000 THEN 'file.delete' ELSE 'file.create' END AS type,
             g % 50 = 7 AS retry) k`.execute(db);
  }
  await sql`ANALYZE outbox`.execute(db);
  return (performance.now() - started) / 1000;
}

/**
 * A REPEATABLE READ transaction on the database that has read something and stays open, as a
 * pg_dump or a long report does: rows deleted after it began stay visible to it, so neither
 * vacuum nor index scans may treat them as gone. Resolves to its release.
 */
export async function holdSnapshot(url: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await client.query('SELECT count(*) FROM files');
  return async () => {
    await client.query('COMMIT').catch(() => undefined);
    await client.end();
  };
}
