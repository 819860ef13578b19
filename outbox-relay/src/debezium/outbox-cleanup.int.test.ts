import { sql } from 'kysely';
import pg from 'pg';
import { silentLogger } from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { createTestEnv, eventually, type TestEnv } from '@fileflow/testkit';
import { createOutboxCleanup } from './outbox-cleanup';

let env: TestEnv;
beforeAll(async () => (env = await createTestEnv('outboxcleanup')));
afterAll(() => env.cleanup());

const insertRows = (db: TestEnv['db'], n: number) =>
  sql`
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload)
    SELECT gen_random_uuid(), 'file', i::text, 'file.create', 'file.create', '{}'::jsonb FROM generate_series(1, ${n}::int) i`.execute(
    db,
  );
/**
 * Wait until every committed row may be deleted: the rule (`txid < pg_snapshot_xmin`) waits for
 * every transaction on the server older than the rows, other tests' included.
 */
const untilEligible = (db: TestEnv['db']) =>
  eventually(async () => {
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM outbox WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())`.execute(db);
    expect(Number(rows[0]?.n)).toBe(0);
  });
const remaining = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox`.execute(env.db)).rows[0]?.n);

it('deletes committed rows in batches, oldest first, and leaves the rows of a transaction still open', async () => {
  await insertRows(env.db, 250);
  await untilEligible(env.db);
  const deletedBatches: number[] = [];
  const cleanup = createOutboxCleanup({
    db: env.db,
    logger: silentLogger,
    intervalMs: 60_000,
    guard: () => Promise.resolve(undefined),
    batchSize: 100,
    maxBatchesPerRun: 2,
    onDeleted: (n) => deletedBatches.push(n),
  });
  // A run stops after its batches: the rest waits for the next one.
  expect(await cleanup.cleanOnce()).toBe(200);
  expect(deletedBatches).toEqual([100, 100]);
  expect(await remaining()).toBe(50);
  const left = await sql<{ id: string }>`SELECT aggregateid AS id FROM outbox ORDER BY seq`.execute(env.db);
  expect(left.rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 50 }, (_, i) => 201 + i));

  await env.db.transaction().execute(async (trx) => {
    await insertRows(trx, 7);
    // Rows of this transaction are not committed yet: another connection's cleanup leaves them.
    expect(await cleanup.cleanOnce()).toBe(50);
  });
  expect(await remaining()).toBe(7);
  await untilEligible(env.db);
  expect(await cleanup.cleanOnce()).toBe(7);
  expect(await remaining()).toBe(0);
});

it('deletes nothing while its guard says why not', async () => {
  await sql`DELETE FROM outbox`.execute(env.db);
  await insertRows(env.db, 3);
  const cleanup = createOutboxCleanup({
    db: env.db,
    logger: silentLogger,
    intervalMs: 60_000,
    guard: () => Promise.resolve('no slot'),
  });
  expect(await cleanup.cleanOnce()).toBe(0);
  expect(await remaining()).toBe(3);
});

it("starts each statement of a round after the rows the round's last statement deleted", async () => {
  // The plan a large outbox gets (an index scan in seq order; a table this small would get a
  // sequential or bitmap scan), on one connection so its session settings hold and its statistics can be flushed before they are read.
  const own = await createTestEnv('outboxcleanupkeyset');
  const db = createDb(own.databaseUrl, 1);
  // A snapshot held open meanwhile (as pg_dump's): the deleted rows stay visible to it, so their
  // index entries cannot be skipped as dead, and a statement that scanned from the start of the
  // index would read every row the round deleted before it.
  const snapshot = new pg.Client({ connectionString: own.databaseUrl });
  try {
    await sql`SET enable_seqscan = off`.execute(db);
    await sql`SET enable_bitmapscan = off`.execute(db);
    await insertRows(db, 300);
    await untilEligible(db);
    await snapshot.connect();
    await snapshot.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await snapshot.query('SELECT count(*) FROM outbox');
    const entriesRead = async () => {
      await sql`SELECT pg_stat_force_next_flush()`.execute(db);
      await sql`SELECT pg_stat_clear_snapshot()`.execute(db);
      const { rows } = await sql<{ n: string }>`
        SELECT idx_tup_read AS n FROM pg_stat_user_indexes WHERE indexrelname = 'outbox_seq_idx'`.execute(db);
      return Number(rows[0]?.n);
    };
    const before = await entriesRead();
    const cleanup = createOutboxCleanup({
      db,
      logger: silentLogger,
      intervalMs: 60_000,
      guard: () => Promise.resolve(undefined),
      batchSize: 100,
      maxBatchesPerRun: 3,
    });
    expect(await cleanup.cleanOnce()).toBe(300);
    // Each live row once, plus at most one entry per statement; from the start each time: 600.
    expect((await entriesRead()) - before).toBeLessThanOrEqual(300 + 3);
  } finally {
    await snapshot.end();
    await db.destroy();
    await own.cleanup();
  }
});
