import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@fileflow/common';
import { AppError } from './app-error';
import { ownerOf } from './auth/authenticate';
import { sendProblem } from './problem';
import { RedisOrMemoryStore } from './redis/rate-limit-store';

/** Env of the rate limit: requests per client per window (0: no limit). */
export const rateLimitEnvSchema = z.object({
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000_000).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
});
export type RateLimitEnv = z.infer<typeof rateLimitEnvSchema>;

/**
 * At most `RATE_LIMIT_REQUESTS` requests per client in each window of `RATE_LIMIT_WINDOW_MS`; a
 * client is its API key, or its address when it sends none. Over the limit: 429 problem+json with
 * `Retry-After`; every answer carries the IETF `RateLimit` and `RateLimit-Policy` fields.
 * With Redis the counters are shared by every API instance; without it each instance counts
 * alone, and so it does while Redis is unavailable (`RedisOrMemoryStore`): an outage of the
 * limiter's store never turns into an outage of the API, nor into no limit at all.
 */
export function createRateLimit(
  o: RateLimitEnv & { redis?: Redis | undefined; keyPrefix: string; logger?: Logger },
): RequestHandler {
  if (o.RATE_LIMIT_REQUESTS === 0) return (_req, _res, next) => next();
  const store: Store | undefined = o.redis ? new RedisOrMemoryStore(o.redis, `${o.keyPrefix}rl:`, o.logger) : undefined;
  return rateLimit({
    windowMs: o.RATE_LIMIT_WINDOW_MS,
    limit: o.RATE_LIMIT_REQUESTS,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'fileflow',
    passOnStoreError: true,
    ...(store ? { store } : {}),
    keyGenerator: (req, res) => {
      const owner = ownerOf(res);
      return owner === null ? `ip:${ipKeyGenerator(req.ip ?? 'unknown')}` : `key:${owner}`;
    },
    handler: (req, res, _next, options) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      sendProblem(
        res,
        new AppError(
          'too_many_requests',
          `at most ${options.limit as number} requests per ${options.windowMs / 1000} s`,
          {
            retryAfterSeconds: seconds,
          },
        ),
        req.originalUrl,
      );
    },
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
}
