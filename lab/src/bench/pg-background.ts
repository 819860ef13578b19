/**
 * What PostgreSQL did beside the load while a benchmark step ran: checkpoints, full-page images
 * in the write-ahead log, and autovacuum runs of the benchmark's tables. The first change to a page
 * after a checkpoint writes the whole page to the WAL (which Debezium also reads), and a vacuum of a
 * large table reads all of it and its indexes: either takes CPU from the pipeline for a while, so a
 * step they fall into can fail at a rate another step held. The step's line says so.
 */
import { sql } from 'kysely';
import type { Db } from '@fileflow/db';

export interface PgActivity {
  /** Full-page images written to the WAL (`pg_stat_wal.wal_fpi`, the whole cluster). */
  readonly fpi: number;
  /** Checkpoints done (`pg_stat_checkpointer`, PostgreSQL 17 on); undefined before 17. */
  readonly checkpoints: number | undefined;
  /** Autovacuum runs so far, per table of the connected database. */
  readonly vacuums: Readonly<Record<string, number>>;
}

export interface PgBackground {
  readonly fpi: number;
  readonly checkpoints: number | undefined;
  /** Tables autovacuum went through, by name. */
  readonly vacuumed: readonly string[];
}

/** The write-ahead log written so far by the whole cluster (`pg_stat_wal`): records, full-page images, bytes. */
export async function walCounters(db: Db): Promise<{ records: number; fpi: number; bytes: number }> {
  const { rows } = await sql<{ records: string; fpi: string; bytes: string }>`
    SELECT wal_records AS records, wal_fpi AS fpi, wal_bytes AS bytes FROM pg_stat_wal`.execute(db);
  return { records: Number(rows[0]?.records), fpi: Number(rows[0]?.fpi), bytes: Number(rows[0]?.bytes) };
}

/** The counters now (I/O). */
export async function pgActivity(db: Db): Promise<PgActivity> {
  const { fpi } = await walCounters(db);
  let checkpoints: number | undefined;
  try {
    const cp = await sql<Record<string, string | undefined>>`SELECT * FROM pg_stat_checkpointer`.execute(db);
    const row = cp.rows[0] ?? {};
    // num_done (18 on) counts checkpoints performed; 17 has only timed + requested.
    checkpoints =
      row.num_done !== undefined ? Number(row.num_done) : Number(row.num_timed ?? 0) + Number(row.num_requested ?? 0);
  } catch {
    checkpoints = undefined;
  }
  const tables = await sql<{ relname: string; n: string }>`
    SELECT relname, autovacuum_count AS n FROM pg_stat_user_tables`.execute(db);
  return {
    fpi,
    checkpoints,
    vacuums: Object.fromEntries(tables.rows.map((r) => [r.relname, Number(r.n)])),
  };
}

/** What happened between two readings (pure). */
export function pgBackground(before: PgActivity, after: PgActivity): PgBackground {
  const vacuumed = Object.entries(after.vacuums)
    .filter(([table, n]) => n > (before.vacuums[table] ?? 0))
    .map(([table]) => table)
    .sort();
  return {
    fpi: after.fpi - before.fpi,
    checkpoints:
      after.checkpoints === undefined || before.checkpoints === undefined
        ? undefined
        : after.checkpoints - before.checkpoints,
    vacuumed,
  };
}

/** `PostgreSQL meanwhile: 0.35 full-page images a file, 1 checkpoint, autovacuum of files` (pure). */
export function describeBackground(b: PgBackground, files: number): string {
  const parts = [`${files > 0 ? (b.fpi / files).toFixed(2) : 'n/a'} full-page images a file`];
  if (b.checkpoints) parts.push(`${b.checkpoints} checkpoint${b.checkpoints === 1 ? '' : 's'}`);
  if (b.vacuumed.length) parts.push(`autovacuum of ${b.vacuumed.join(', ')}`);
  return `PostgreSQL meanwhile: ${parts.join(', ')}`;
}
