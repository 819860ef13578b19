import { sql } from 'kysely';
import { outboxBacklog } from '@fileflow/db';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';

let env: TestEnv;
beforeAll(async () => (env = await createTestEnv('outboxtable')));
afterAll(() => env.cleanup());

it('vacuums the outbox as a queue: after a fixed number of dead rows whatever its size, at a larger cost budget', async () => {
  const { rows } = await sql<{ reloptions: string[] | null }>`
    SELECT reloptions FROM pg_class WHERE oid = 'outbox'::regclass`.execute(env.db);
  expect([...(rows[0]?.reloptions ?? [])].sort()).toEqual([
    'autovacuum_vacuum_cost_limit=2000',
    'autovacuum_vacuum_scale_factor=0',
    'autovacuum_vacuum_threshold=10000',
  ]);
});

it('counts the backlog exactly up to its limit, and above it from the span of seq', async () => {
  expect(await outboxBacklog(env.db)).toEqual({ count: 0, oldestAgeMs: null });
  await sql`
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, created_at)
    SELECT gen_random_uuid(), 'file', i::text, 'file.create', 'file.create', '{}'::jsonb,
           now() - make_interval(secs => 100 - i)
    FROM generate_series(1, 25) i`.execute(env.db);
  // A row gone from the middle (taken out of order): the span still counts it.
  await sql`DELETE FROM outbox WHERE aggregateid = '13'`.execute(env.db);

  expect((await outboxBacklog(env.db)).count).toBe(24);
  const estimated = await outboxBacklog(env.db, { exactUpTo: 10 });
  expect(estimated.count).toBe(25);
  // The oldest is the first row in seq order, written 99 s before this transaction began.
  expect(estimated.oldestAgeMs).toBeGreaterThanOrEqual(99_000);
  expect(estimated.oldestAgeMs).toBeLessThan(100_000);
});
