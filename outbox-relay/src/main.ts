import { sql } from 'kysely';
import {
  createFaults,
  parseFaultPlan,
  closeServer,
  createHealthServer,
  createKafka,
  createLogger,
  listen,
  loadConfig,
  onShutdownSignal,
  startWhenReachable,
} from '@fileflow/common';
import { createDb, outboxBacklog } from '@fileflow/db';
import { relayConfigSchema } from './config';
import { createOutboxListener } from './outbox-listener';
import { createRelay } from './relay';

/** The polling relay process: outbox -> Kafka, woken by LISTEN/NOTIFY, polling as fallback. */
async function main(): Promise<void> {
  const config = loadConfig(relayConfigSchema, process.env);
  const logger = createLogger('outbox-relay', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, 3);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, logger);
  const producer = kafka.producer({ allowAutoTopicCreation: true });

  const relay = createRelay({
    db,
    producer,
    logger,
    batchSize: config.RELAY_BATCH_SIZE,
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
    errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
    faults: createFaults(parseFaultPlan(config.FAULT_CRASH_AT)),
  });
  const listener = createOutboxListener(config.DATABASE_URL, () => relay.notify(), logger);

  const health = createHealthServer(
    async () => {
      const problems: string[] = [];
      await sql`SELECT 1`.execute(db).catch((err: unknown) => problems.push(`database: ${String(err)}`));
      if (!listener.isListening()) problems.push('not listening for outbox notifications');
      return problems;
    },
    { '/metrics': () => relay.stats() },
  );
  const port = await listen(health, config.PORT, config.HOST);

  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await relay.stop();
    await listener.stop();
    await producer.disconnect();
    await closeServer(health);
    await db.destroy();
  }, logger);

  await listener.start();
  // Until Kafka answers, rows simply wait in the outbox.
  if (
    !(await startWhenReachable(
      'kafka producer',
      () => producer.connect(),
      logger,
      () => stopping,
    ))
  )
    return;
  await relay.start();
  const backlog = await outboxBacklog(db);
  logger.info('relay running', { port, backlog });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
