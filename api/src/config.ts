import {
  apiKeyPepperEnvSchema,
  faultEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  httpTimeoutsEnvSchema,
  instanceEnvSchema,
  kafkaEnvSchema,
  logEnvSchema,
  metricsEnvSchema,
  s3EnvSchema,
  topicsEnvSchema,
} from '@fileflow/common';
import { z } from 'zod';
import { expiredFileRetentionEnvSchema, expiredFileRetentionProblem } from './expired-file-retention';
import { expiryEnvSchema } from './expiry-sweep';
import { inboxRetentionEnvSchema } from './inbox-retention';
import { rateLimitEnvSchema } from './rate-limit';
import { redisEnvSchema } from './redis/redis-client';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const apiEnvSchema = z.object({
  ...httpEnvSchema(3000).shape,
  ...httpTimeoutsEnvSchema.shape,
  ...databaseEnvSchema.shape,
  ...kafkaEnvSchema.shape,
  ...s3EnvSchema.shape,
  ...logEnvSchema.shape,
  ...metricsEnvSchema.shape,
  ...faultEnvSchema.shape,
  ...topicsEnvSchema.shape,
  ...inboxRetentionEnvSchema.shape,
  ...expiryEnvSchema.shape,
  ...expiredFileRetentionEnvSchema.shape,
  ...redisEnvSchema.shape,
  ...rateLimitEnvSchema.shape,
  ...apiKeyPepperEnvSchema.shape,
  ...instanceEnvSchema('api').shape,
  /**
   * Listen on PORT with SO_REUSEPORT, so that several API processes (each with it on) share the
   * port and the kernel spreads connections over them.
   */
  HTTP_REUSE_PORT: flag.default(false),
  /**
   * A port of this instance's own (unset: none) answering only /health/live, /health/ready and
   * /metrics: with several instances on one shared PORT, the one place to probe or scrape this one.
   */
  ADMIN_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('api-service'),
  KAFKA_GROUP_ID: z.string().min(1).default('api-service-group'),
  /** Refuse requests without an API key (401). Off: they are served as the anonymous owner. */
  API_AUTH_REQUIRED: flag.default(false),
  /** How long a key check is remembered: a revoked key stops working within this. */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** How long an `Idempotency-Key` is remembered. */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24),
  IDEMPOTENCY_PURGE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  /** Serve `GET /files/:id` from Redis when it holds the file (see docs/benchmarks.md for the choice). */
  FILE_CACHE: flag.default(true),
  FILE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Prefix of every Redis key, so that deployments (and tests) can share one Redis. */
  REDIS_KEY_PREFIX: z.string().max(100).default('fileflow:'),
});

/** Everything the API process reads from its environment (names as in the design). */
export const apiConfigSchema = apiEnvSchema.superRefine((c, ctx) => {
  const problem = expiredFileRetentionProblem(c);
  if (problem) ctx.addIssue({ code: 'custom', path: ['EXPIRED_FILE_RETENTION_HOURS'], message: problem });
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;
