import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { newApiKey, silentLogger } from '@fileflow/common';
import { findApiKeyHash, insertApiKey } from '@fileflow/db';
import { createTestEnv, eventually, freePort, stackSettings, TcpProxy, type TestEnv } from '@fileflow/testkit';
import { createRateLimit } from './rate-limit';
import { createRedis, type RedisHandle } from './redis/redis-client';
import { createTestApp } from './testing';

const pepper = 'rate-limit-pepper-'.padEnd(48, 'x');
let env: TestEnv;
let redis: Redis;
const keys: string[] = [];

beforeAll(async () => {
  env = await createTestEnv('ratelimit');
  redis = new Redis(stackSettings.redisUrl, { maxRetriesPerRequest: 1 });
  for (const name of ['one', 'two']) {
    const key = newApiKey(pepper);
    await insertApiKey(env.db, { id: key.id, name, secretHash: key.secretHash });
    keys.push(key.token);
  }
});
afterAll(async () => {
  redis.disconnect();
  await env.cleanup();
});

/** An API instance limited to `limit` requests a minute, counting in `client` (the shared Redis by default). */
const limitedApp = (limit: number, client: Redis | undefined = redis, prefix = env.redisKeyPrefix): Express =>
  createTestApp(env, {
    auth: { pepper, required: false, findKey: (id) => findApiKeyHash(env.db, id) },
    rateLimit: createRateLimit({
      RATE_LIMIT_REQUESTS: limit,
      RATE_LIMIT_WINDOW_MS: 60_000,
      redis: client,
      keyPrefix: prefix,
    }),
  });

it('past the limit: 429 problem+json with Retry-After and the RateLimit fields', async () => {
  const app = limitedApp(5, redis, `${env.redisKeyPrefix}burst:`);
  const statuses: number[] = [];
  let last: request.Response | undefined;
  for (let i = 0; i < 8; i++) {
    last = await request(app).get('/files');
    statuses.push(last.status);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  expect(last!.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(last!.body.type).toBe('urn:fileflow:problem:too-many-requests');
  expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(last!.headers['ratelimit-policy']).toMatch(/q=5; w=60/);
  expect(last!.headers.ratelimit).toMatch(/r=0; t=\d+/);
});

it('the counters live in Redis: two API instances share one limit', async () => {
  const prefix = `${env.redisKeyPrefix}shared:`;
  const [one, two] = [limitedApp(4, redis, prefix), limitedApp(4, redis, prefix)];
  const statuses = [];
  for (const app of [one, two, one, two, one, two]) statuses.push((await request(app).get('/files')).status);
  expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
});

it('each API key has its own limit, apart from anonymous callers', async () => {
  const app = limitedApp(2, redis, `${env.redisKeyPrefix}perkey:`);
  const get = (key?: string) => {
    const r = request(app).get('/files');
    return (key ? r.set('Authorization', `Bearer ${key}`) : r).then((res) => res.status);
  };
  expect([await get(keys[0]), await get(keys[0]), await get(keys[0])]).toEqual([200, 200, 429]);
  expect([await get(keys[1]), await get(keys[1])]).toEqual([200, 200]);
  expect(await get()).toBe(200);
});

/** The API's own Redis client (no offline queue), made as `main.ts` makes it, through `proxy`. */
const apiRedis = (proxy: TcpProxy): RedisHandle =>
  createRedis(
    {
      REDIS_URL: `redis://127.0.0.1:${proxy.listenPort}`,
      REDIS_COMMAND_TIMEOUT_MS: 200,
      REDIS_CONNECT_TIMEOUT_MS: 500,
    },
    silentLogger,
  )!;

/**
 * Run `test` with the API's own Redis client through a proxy to the stack's Redis, the proxy
 * stopped first when `down`; both are closed afterwards.
 */
async function withApiRedis(
  test: (handle: RedisHandle, proxy: TcpProxy) => Promise<void>,
  { down = false } = {},
): Promise<void> {
  const proxy = new TcpProxy(await freePort(), Number(new URL(stackSettings.redisUrl).port || 6379));
  await proxy.start();
  if (down) await proxy.stop();
  const handle = apiRedis(proxy);
  try {
    await test(handle, proxy);
  } finally {
    await handle.close();
    await proxy.stop();
  }
}

/** Until `handle` has connected. */
const connected = (handle: RedisHandle, timeoutMs?: number) =>
  eventually(
    () => {
      const problem = handle.problem();
      if (problem) throw new Error(`redis: ${problem}`);
    },
    timeoutMs ? { timeoutMs } : {},
  );

const statusesOf = async (app: Express, n: number): Promise<number[]> => {
  const statuses = [];
  for (let i = 0; i < n; i++) statuses.push((await request(app).get('/files')).status);
  return statuses;
};

it('the limit holds with the client made just before it, as the API starts (not yet connected)', () =>
  withApiRedis(async (handle) => {
    const app = limitedApp(3, handle.client, `${env.redisKeyPrefix}startup:`);
    await connected(handle);
    // A second instance sharing the counters shows they are Redis', not this process's.
    const other = limitedApp(3, redis, `${env.redisKeyPrefix}startup:`);
    expect([...(await statusesOf(app, 2)), ...(await statusesOf(other, 1)), ...(await statusesOf(app, 2))]).toEqual([
      200, 200, 200, 429, 429,
    ]);
  }));

it('with Redis down at the start, then up: each instance counts alone meanwhile, then the counters are shared', () =>
  withApiRedis(
    async (handle, proxy) => {
      const prefix = `${env.redisKeyPrefix}late:`;
      const app = limitedApp(3, handle.client, prefix);
      expect(await statusesOf(app, 4)).toEqual([200, 200, 200, 429]);
      await proxy.start();
      await connected(handle, 10_000);
      const other = limitedApp(3, redis, prefix);
      expect([...(await statusesOf(other, 2)), ...(await statusesOf(app, 2))]).toEqual([200, 200, 200, 429]);
    },
    { down: true },
  ));

it('with Redis gone, the limit still holds in this instance, and nothing is a 500', () =>
  withApiRedis(async (handle, proxy) => {
    const app = limitedApp(3, handle.client, `${env.redisKeyPrefix}down:`);
    await connected(handle);
    expect(await statusesOf(app, 1)).toEqual([200]); // counted in Redis
    await proxy.stop();
    expect(await statusesOf(app, 5)).toEqual([200, 200, 200, 429, 429]); // counted here, from nothing
  }));
