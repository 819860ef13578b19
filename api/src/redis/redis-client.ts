import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@fileflow/common';

/** Env of the API's Redis: the shared store of rate limits and the cache of `GET /files/:id`. */
export const redisEnvSchema = z.object({
  /** Empty: no Redis (rate limits kept per process, no cache). */
  REDIS_URL: z
    .string()
    .regex(/^(rediss?:\/\/.*)?$/, 'must be a redis:// URL, or empty for none')
    .default('redis://127.0.0.1:6379'),
  /** A command with no answer within this fails (the caller then goes on without Redis). */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
});
export type RedisEnv = z.infer<typeof redisEnvSchema>;

/** A Redis connection that never makes a caller wait for it: see `createRedis`. */
export interface RedisHandle {
  readonly client: Redis;
  /** Why Redis cannot be used right now (undefined: it can). */
  problem(): string | undefined;
  close(): Promise<void>;
}

/**
 * A Redis client that fails fast instead of queueing: while disconnected a command is refused at
 * once (no offline queue), a command gets one try, and an unanswered one fails after the command
 * timeout. Callers treat a failure as "no Redis" and carry on (uncached; rate limits counted in this process).
 * It reconnects in the background, every 0.2 s at first and every 2 s at most.
 */
export function createRedis(env: RedisEnv, logger: Logger): RedisHandle | undefined {
  if (!env.REDIS_URL) return undefined;
  const log = logger.child({ component: 'redis' });
  const client = new Redis(env.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: env.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: env.REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
  let problem: string | undefined = 'not connected yet';
  client.on('ready', () => {
    if (problem !== undefined) log.info('redis connected');
    problem = undefined;
  });
  client.on('error', (err: Error) => {
    if (problem === undefined) log.warn('redis unavailable: serving without it', { err: err.message });
    problem = 'unreachable';
  });
  client.on('end', () => {
    problem = 'closed';
  });
  return {
    client,
    problem: () => (client.status === 'ready' ? undefined : (problem ?? client.status)),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
