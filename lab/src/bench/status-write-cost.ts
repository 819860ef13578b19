/**
 * `npx tsx lab/src/bench/status-write-cost.ts [FILES=200000] [RUNS=25]`
 *
 * What the writes every file goes through cost PostgreSQL at each schema since migration 0009:
 * for each, a database of its own migrated exactly to it, FILES files written with their
 * transitions (half of them moved on to `processing`), then in one session, inside a transaction
 * rolled back at the end, RUNS times each: the status consumer's kind of statement (200 files'
 * status changed in one `UPDATE`) and the API's kind (20 files inserted in one statement), timed
 * by `EXPLAIN ANALYZE`. The first 5 of each are left out (the session plans and compiles its
 * triggers then); prints the minimum and the median of the rest. Against the stack's PostgreSQL
 * (`npm run stack -- up`), each schema in an environment of its own (`inEnv`, migrated back down
 * to it), dropped at the end.
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { migrateTo, type Database } from '@fileflow/db';
import { inEnv } from './run-helpers';

const schemas = ['0009-outbox-autovacuum', '0010-lean-status-writes', '0011-statement-transitions'];
const warmup = 5;

/** Execution times (ms) of `statement(i)` run `runs` times in one transaction, rolled back. */
async function timed(url: string, runs: number, statement: (i: number) => string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) ${statement(i)}`,
      );
      const line = rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
      ms.push(Number(/([\d.]+) ms/.exec(line ?? '')?.[1]));
    }
    await c.query('ROLLBACK');
    return ms.slice(warmup).sort((a, b) => a - b);
  } finally {
    await c.end();
  }
}

async function fill(db: Kysely<Database>, files: number): Promise<void> {
  for (let from = 1; from <= files; from += 10_000) {
    await sql`
      INSERT INTO files (id, title, description, status)
      SELECT nextval(pg_get_serial_sequence('files', 'id')), 'title ' || g, 'a description', 'pending'
      FROM generate_series(${from}::int, ${Math.min(from + 9_999, files)}::int) g`.execute(db);
  }
  await sql`UPDATE files SET status = 'processing' WHERE id % 2 = 0`.execute(db);
  await sql`VACUUM ANALYZE files`.execute(db);
  await sql`VACUUM ANALYZE file_transitions`.execute(db);
}

async function main(): Promise<void> {
  const files = Number(process.argv[2] ?? 200_000);
  const runs = Number(process.argv[3] ?? 25) + warmup;
  const summary = (ms: number[]) =>
    `min ${ms[0]?.toFixed(2)} ms, median ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms`;
  for (const schema of schemas) {
    await inEnv(`swc${schema.slice(0, 4)}`, async (env) => {
      await migrateTo(env.db, schema);
      await fill(env.db, files);
      const update = await timed(env.databaseUrl, runs, (i) => {
        const first = 1 + ((i * 7_919) % (files - 200));
        return `UPDATE files SET status = CASE WHEN status = 'processing' THEN 'completed' ELSE 'processing' END,
                  updated_at = CURRENT_TIMESTAMP WHERE id BETWEEN ${first} AND ${first + 199}`;
      });
      const insert = await timed(
        env.databaseUrl,
        runs,
        () => `INSERT INTO files (id, title, description, status)
               SELECT nextval(pg_get_serial_sequence('files', 'id')), 'title', 'a description', 'pending'
               FROM generate_series(1, 20)`,
      );
      console.log(`${schema}: UPDATE of 200 files ${summary(update)}; INSERT of 20 files ${summary(insert)}`);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
