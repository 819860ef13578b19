import { Redis } from 'ioredis';
import request from 'supertest';
import { createFileCache, type FileCache } from '@fileflow/api';
import { createRedis } from '@fileflow/api/src/redis/redis-client';
import { silentLogger } from '@fileflow/common';
import { createTestEnv, eventually, freePort, stackSettings, TcpProxy, type TestEnv } from '@fileflow/testkit';
import { startPipeline, type Pipeline } from '../harness';

let env: TestEnv;
let redis: Redis;

beforeAll(async () => {
  env = await createTestEnv('filecache');
  redis = new Redis(stackSettings.redisUrl, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await env.cleanup();
});

const cacheFor = (prefix: string): FileCache =>
  createFileCache({ redis, keyPrefix: `${env.redisKeyPrefix}${prefix}`, ttlSeconds: 60, logger: silentLogger });

/**
 * POST n files; read each once while it is pending (so the cache holds it); wait until its row is
 * completed in PostgreSQL, then read it again at once: what that read says.
 */
async function statusesReadRightAfterCompletion(pipeline: Pipeline, n: number): Promise<string[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id: number = (
      await request(pipeline.app)
        .post('/files')
        .send({ title: `cached ${i}` })
        .expect(202)
    ).body.id;
    await request(pipeline.app).get(`/files/${id}`).expect(200);
    ids.push(id);
  }
  const seen: string[] = [];
  for (const id of ids) {
    await eventually(async () => {
      const row = await env.db.selectFrom('files').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('completed');
    });
    seen.push((await request(pipeline.app).get(`/files/${id}`).expect(200)).body.status as string);
  }
  return seen;
}

it('a read right after an update committed sees the new status, never the cached older one', async () => {
  const pipeline = await startPipeline(env, { cache: cacheFor('fresh:') });
  try {
    expect(await statusesReadRightAfterCompletion(pipeline, 20)).toEqual(Array(20).fill('completed'));
    // It was served from the cache: the entries are there, at the completed version.
    const keys = await redis.keys(`${env.redisKeyPrefix}fresh:file:*`);
    expect(keys.length).toBeGreaterThan(0);
  } finally {
    await pipeline.stop();
  }
});

it('(the check can fail: with a cache that is never invalidated, such a read sees the stale status)', async () => {
  const stale = cacheFor('stale:');
  const pipeline = await startPipeline(env, { cache: { ...stale, invalidate: () => Promise.resolve() } });
  try {
    const seen = await statusesReadRightAfterCompletion(pipeline, 5);
    expect(seen.filter((s) => s !== 'completed').length).toBeGreaterThan(0);
  } finally {
    await pipeline.stop();
  }
});

it('with Redis gone mid-run, the API keeps answering from PostgreSQL, never a 500', async () => {
  const proxy = new TcpProxy(await freePort(), Number(new URL(stackSettings.redisUrl).port || 6379));
  await proxy.start();
  const handle = createRedis(
    {
      REDIS_URL: `redis://127.0.0.1:${proxy.listenPort}`,
      REDIS_COMMAND_TIMEOUT_MS: 200,
      REDIS_CONNECT_TIMEOUT_MS: 500,
    },
    silentLogger,
  )!;
  await eventually(() => expect(handle.problem()).toBeUndefined());
  const cache = createFileCache({
    redis: handle.client,
    keyPrefix: `${env.redisKeyPrefix}gone:`,
    ttlSeconds: 60,
    logger: silentLogger,
  });
  const pipeline = await startPipeline(env, { cache });
  try {
    const before: number = (await request(pipeline.app).post('/files').send({ title: 'before' }).expect(202)).body.id;
    await request(pipeline.app).get(`/files/${before}`).expect(200);
    proxy.hold(); // Redis stops answering: every command times out
    const during: number = (await request(pipeline.app).post('/files').send({ title: 'during' }).expect(202)).body.id;
    await eventually(async () => {
      const res = await request(pipeline.app).get(`/files/${during}`).expect(200);
      expect(res.body.status).toBe('completed');
    });
    await proxy.stop(); // and then is gone: connections refused
    const res = await request(pipeline.app).get(`/files/${before}`).expect(200);
    expect(res.body.status).toBe('completed');
    await request(pipeline.app).get('/files').expect(200);
  } finally {
    await pipeline.stop();
    await handle.close();
    await proxy.stop();
  }
});
