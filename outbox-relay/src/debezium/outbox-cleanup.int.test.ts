import { sql } from 'kysely';
import { silentLogger } from '@fileflow/common';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
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
const remaining = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox`.execute(env.db)).rows[0]?.n);

it('deletes committed rows in batches, oldest first, and leaves the rows of a transaction still open', async () => {
  await insertRows(env.db, 250);
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
  expect(await cleanup.cleanOnce()).toBe(7);
  expect(await remaining()).toBe(0);
});

it('deletes nothing while its guard says why not', async () => {
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
