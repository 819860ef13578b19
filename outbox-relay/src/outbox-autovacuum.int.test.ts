import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';

let env: TestEnv;
beforeAll(async () => (env = await createTestEnv('outboxautovacuum')));
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
