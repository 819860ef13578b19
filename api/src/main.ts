import {
  closeServer,
  createFaults,
  createHttpServer,
  httpTimeoutsFrom,
  parseFaultPlan,
  createKafka,
  createLogger,
  listen,
  loadConfig,
  newId,
  onShutdownSignal,
  startWhenReachable,
  topicsFromEnv,
} from '@fileflow/common';
import { createDb, dbTimeoutsFromEnv } from '@fileflow/db';
import { createApp } from './app';
import { apiConfigSchema } from './config';
import { createInboxRetention } from './inbox-retention';
import { createStatusConsumer } from './status-consumer/status-consumer';

/** The API process: HTTP on PORT plus the status consumer that owns `files` updates. */
async function main(): Promise<void> {
  const config = loadConfig(apiConfigSchema, process.env);
  const httpTimeouts = httpTimeoutsFrom(config);
  const logger = createLogger('api', config.LOG_LEVEL);
  const topics = topicsFromEnv(config);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { timeouts: dbTimeoutsFromEnv(config) });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, logger);
  const faults = createFaults(parseFaultPlan(config.FAULT_CRASH_AT));
  const statusConsumer = createStatusConsumer({
    kafka,
    db,
    topics,
    groupId: config.KAFKA_GROUP_ID,
    logger,
    faults,
  });

  const inboxRetention = createInboxRetention({
    db,
    logger,
    now: () => new Date(),
    retentionHours: config.INBOX_RETENTION_HOURS,
    intervalMs: config.INBOX_RETENTION_INTERVAL_MS,
    batchSize: config.INBOX_RETENTION_BATCH_SIZE,
  });

  const app = createApp({
    db,
    topics,
    logger,
    newId,
    now: () => new Date(),
    faults,
    readiness: () => {
      const problem = statusConsumer.problem();
      return Promise.resolve(problem ? [`status consumer: ${problem}`] : []);
    },
  });
  const http = createHttpServer(app, httpTimeouts);
  const port = await listen(http, config.PORT, config.HOST);
  logger.info('api listening', { port, host: config.HOST });
  await inboxRetention.start();

  // The API accepts requests even while Kafka is down (that is the point of the outbox);
  // the status consumer joins when Kafka is reachable.
  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await closeServer(http);
    await statusConsumer.stop();
    await inboxRetention.stop();
    await db.destroy();
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
