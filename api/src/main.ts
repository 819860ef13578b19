// First: tracing patches the libraries it instruments as they load.
import { telemetry } from '@fileflow/common/src/telemetry/register';
import {
  apiKeyPepperFrom,
  childTraceparent,
  closeServer,
  ConfigError,
  createFaults,
  createHealthServer,
  createHttpServer,
  createKafka,
  createLogger,
  createMetricsRegistry,
  consumerLagMetrics,
  consumerMetrics,
  createS3Client,
  httpTimeoutsFrom,
  listen,
  loadConfig,
  newId,
  onShutdownSignal,
  parseFaultPlan,
  s3SettingsFromEnv,
  startWhenReachable,
  topicsFromEnv,
} from '@fileflow/common';
import { createDb, dbTimeoutsFromEnv, deleteExpiredIdempotencyKeys, findApiKeyHash } from '@fileflow/db';
import { apiReadiness, createApp } from './app';
import { cachedKeyLookup } from './auth/authenticate';
import { createBatchedPurge } from './batched-purge';
import { apiConfigSchema } from './config';
import { createExpiredFileRetention } from './expired-file-retention';
import { createExpirySweep } from './expiry-sweep';
import { createInboxRetention } from './inbox-retention';
import { createRateLimit } from './rate-limit';
import { createFileCache } from './redis/file-cache';
import { createRedis } from './redis/redis-client';
import { createStatusConsumer } from './status-consumer/status-consumer';
import { statusMetrics } from './status-consumer/status-metrics';

/** The API process: HTTP on PORT plus the status consumer that owns `files` updates. */
async function main(): Promise<void> {
  const config = loadConfig(apiConfigSchema, process.env);
  const pepper = apiKeyPepperFrom(config);
  if (config.API_AUTH_REQUIRED && pepper === undefined) {
    throw new ConfigError(['API_AUTH_REQUIRED: keys are required but no API_KEY_PEPPER (or _FILE) is set']);
  }
  const httpTimeouts = httpTimeoutsFrom(config);
  const logger = createLogger('api', config.LOG_LEVEL, { instance: config.INSTANCE_ID });
  const topics = topicsFromEnv(config);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { timeouts: dbTimeoutsFromEnv(config) });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, logger);
  const s3 = createS3Client(s3SettingsFromEnv(config));
  const redis = createRedis(config, logger);
  const cache =
    redis && config.FILE_CACHE
      ? createFileCache({
          redis: redis.client,
          keyPrefix: config.REDIS_KEY_PREFIX,
          ttlSeconds: config.FILE_CACHE_TTL_SECONDS,
          logger,
        })
      : undefined;
  const faults = createFaults(parseFaultPlan(config.FAULT_CRASH_AT));
  const registry = config.METRICS_ENABLED ? createMetricsRegistry('api') : undefined;
  const lag =
    registry &&
    consumerLagMetrics(registry, kafka, [
      { groupId: config.KAFKA_GROUP_ID, topic: topics.fileProcessing },
      { groupId: config.KAFKA_GROUP_ID, topic: topics.fileCreated },
    ]);
  const statusConsumer = createStatusConsumer({
    kafka,
    db,
    topics,
    groupId: config.KAFKA_GROUP_ID,
    logger,
    faults,
    newId,
    cache,
    metrics: registry && { consumer: consumerMetrics(registry), status: statusMetrics(registry) },
  });

  const inboxRetention = createInboxRetention({
    db,
    logger,
    now: () => new Date(),
    retentionHours: config.INBOX_RETENTION_HOURS,
    intervalMs: config.INBOX_RETENTION_INTERVAL_MS,
    batchSize: config.INBOX_RETENTION_BATCH_SIZE,
  });
  const idempotencyPurge = createBatchedPurge({
    logger: logger.child({ component: 'idempotency-keys' }),
    what: 'expired idempotency keys',
    intervalMs: config.IDEMPOTENCY_PURGE_INTERVAL_MS,
    batchSize: 5_000,
    run: () => {
      const now = new Date();
      return (limit) => deleteExpiredIdempotencyKeys(db, now, limit);
    },
  });

  const expirySweep = createExpirySweep({
    db,
    topics,
    logger,
    newId,
    traceparent: () => childTraceparent(undefined),
    now: () => new Date(),
    intervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
    batchSize: config.EXPIRY_SWEEP_BATCH_SIZE,
  });

  const expiredFileRetention =
    config.EXPIRED_FILE_RETENTION_HOURS === undefined
      ? undefined
      : createExpiredFileRetention({
          db,
          logger,
          cache,
          retentionHours: config.EXPIRED_FILE_RETENTION_HOURS,
          intervalMs: config.EXPIRED_FILE_PURGE_INTERVAL_MS,
          batchSize: config.EXPIRED_FILE_PURGE_BATCH_SIZE,
        });

  const readiness = (): Promise<string[]> => {
    const problem = statusConsumer.problem();
    return Promise.resolve(problem ? [`status consumer: ${problem}`] : []);
  };
  if (pepper === undefined || !config.API_AUTH_REQUIRED) {
    logger.warn(
      pepper === undefined
        ? 'API IS OPEN: no API key pepper is set, so no key can be checked and every request is anonymous'
        : 'API IS OPEN: requests without an API key are served as the anonymous owner (API_AUTH_REQUIRED=true to refuse them)',
    );
  }
  const app = createApp({
    db,
    topics,
    logger,
    newId,
    now: () => new Date(),
    s3,
    auth: {
      pepper,
      required: config.API_AUTH_REQUIRED,
      findKey: cachedKeyLookup((id) => findApiKeyHash(db, id), { ttlMs: config.API_KEY_CACHE_MS }),
    },
    rateLimit: createRateLimit({ ...config, redis: redis?.client, keyPrefix: config.REDIS_KEY_PREFIX, logger }),
    cache,
    ...(registry ? { metrics: registry } : {}),
    idempotencyTtlSeconds: config.IDEMPOTENCY_KEY_TTL_HOURS * 3600,
    retentionSeconds: config.FILE_RETENTION_SECONDS,
    faults,
    readiness,
    instance: config.INSTANCE_ID,
    degraded: () => {
      const problem = redis?.problem();
      return problem ? [`redis: ${problem}`] : [];
    },
  });
  const http = createHttpServer(app, httpTimeouts);
  const port = await listen(http, config.PORT, config.HOST, { reusePort: config.HTTP_REUSE_PORT });
  logger.info('api listening', { port, host: config.HOST, reusePort: config.HTTP_REUSE_PORT });
  // this instance's own port: health and metrics of this one, whoever else shares PORT
  const admin =
    config.ADMIN_PORT === undefined
      ? undefined
      : createHealthServer(
          apiReadiness({ db, logger, readiness }),
          { instance: config.INSTANCE_ID, ...(registry ? { metrics: registry } : {}) },
          httpTimeouts,
        );
  if (admin && config.ADMIN_PORT !== undefined) {
    const adminPort = await listen(admin, config.ADMIN_PORT, config.HOST);
    logger.info('api admin port listening (health, metrics)', { port: adminPort, host: config.HOST });
  }
  await inboxRetention.start();
  await idempotencyPurge.start();
  await expirySweep.start();
  await expiredFileRetention?.start();

  // The API accepts requests even while Kafka is down (that is the point of the outbox);
  // the status consumer joins when Kafka is reachable.
  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await closeServer(http);
    if (admin) await closeServer(admin);
    await statusConsumer.stop();
    await lag?.close();
    await inboxRetention.stop();
    await idempotencyPurge.stop();
    await expirySweep.stop();
    await expiredFileRetention?.stop();
    await redis?.close();
    await db.destroy();
    s3.destroy();
    await telemetry?.shutdown();
  }, logger);
  if (
    await startWhenReachable(
      'status consumer',
      () => statusConsumer.start(),
      logger,
      () => stopping,
    )
  ) {
    logger.info('status consumer running', { topics: [topics.fileProcessing, topics.fileCreated] });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
