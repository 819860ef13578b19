import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { silentLogger, type FileStatus } from '@fileflow/common';
import { createTestEnv, stackSettings, type TestEnv } from '@fileflow/testkit';
import { createExpiredFileRetention } from './expired-file-retention';
import { createFileCache } from './redis/file-cache';

let env: TestEnv;
let redis: Redis;
beforeAll(async () => {
  env = await createTestEnv('expiredret');
  redis = new Redis(stackSettings.redisUrl, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await env.cleanup();
});

beforeEach(async () => {
  await sql`DELETE FROM files`.execute(env.db);
});

/** `n` files in `status`, last changed `ageHours` ago by the database's clock; returns their ids. */
async function files(n: number, status: FileStatus, ageHours: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO files (title, description, status, updated_at)
    SELECT 'a title', 'a description', ${status}, localtimestamp - make_interval(hours => ${ageHours}::int)
    FROM generate_series(1, ${n}::int)
    RETURNING id`.execute(env.db);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function remaining(): Promise<number[]> {
  const rows = await env.db.selectFrom('files').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

async function transitionsOf(ids: readonly number[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM file_transitions WHERE file_id = ANY (${[...ids]}::int[])`.execute(env.db);
  return rows[0]?.n ?? 0;
}

/** The purge as the API runs it, 360 h, with `o`'s batch settings. */
const retentionWith = (o: { batchSize: number; maxBatchesPerRun?: number }) =>
  createExpiredFileRetention({ db: env.db, logger: silentLogger, retentionHours: 360, intervalMs: 60_000, ...o });

it('deletes the files expired longer than the retention, with their transitions, and keeps every other file', async () => {
  const old = await files(5, 'expired', 400);
  const recent = await files(3, 'expired', 300);
  const others = [
    ...(await files(2, 'completed', 400)),
    ...(await files(2, 'failed', 400)),
    ...(await files(2, 'pending', 400)),
  ];
  expect(await transitionsOf(old)).toBe(5);

  expect(await retentionWith({ batchSize: 100 }).purgeOnce()).toBe(5);

  expect(await remaining()).toEqual([...recent, ...others].sort((a, b) => a - b));
  expect(await transitionsOf(old)).toBe(0);
  expect(await transitionsOf([...recent, ...others])).toBe(recent.length + others.length);
});

it('works a backlog off in batches, oldest first, at most maxBatchesPerRun a run', async () => {
  await files(4, 'expired', 500);
  const older = await files(3, 'expired', 400);
  const purge = retentionWith({ batchSize: 2, maxBatchesPerRun: 2 });

  expect(await purge.purgeOnce()).toBe(4);
  expect(await remaining()).toEqual(older);
  expect(await purge.purgeOnce()).toBe(3);
  expect(await purge.purgeOnce()).toBe(0);
  expect(await remaining()).toEqual([]);
});

it('skips a file another transaction holds, and takes it once it is free', async () => {
  const [held] = await files(2, 'expired', 400);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = env.db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM files WHERE id = ${held} FOR UPDATE`.execute(trx);
    locked();
    await released;
  });
  await isLocked;

  const purge = retentionWith({ batchSize: 10 });
  expect(await purge.purgeOnce()).toBe(1);
  expect(await remaining()).toEqual([held]);

  release();
  await holder;
  expect(await purge.purgeOnce()).toBe(1);
  expect(await remaining()).toEqual([]);
});

it('finds the rows through the partial index of expired files', async () => {
  await files(20, 'completed', 400);
  await files(2, 'expired', 400);
  const plan = await env.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT id FROM files
      WHERE status = 'expired' AND updated_at < localtimestamp - make_interval(hours => 360)
      ORDER BY updated_at LIMIT 10`.execute(trx);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
  expect(plan).toMatch(/files_expired_updated_idx/);
});

it('marks the files it deletes gone in the Redis cache, so no cached copy answers or comes back', async () => {
  const cache = createFileCache({ redis, keyPrefix: env.redisKeyPrefix, ttlSeconds: 60, logger: silentLogger });
  const [id] = await files(1, 'expired', 400);
  const row = await env.db.selectFrom('files').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
  await cache.put(row);
  expect((await cache.get(id!))?.status).toBe('expired');

  const purge = createExpiredFileRetention({
    db: env.db,
    logger: silentLogger,
    cache,
    retentionHours: 360,
    intervalMs: 60_000,
    batchSize: 10,
  });
  expect(await purge.purgeOnce()).toBe(1);

  expect(await cache.get(id!)).toBeUndefined();
  await cache.put(row); // a reader that read the row before the delete committed
  expect(await cache.get(id!)).toBeUndefined();
});
