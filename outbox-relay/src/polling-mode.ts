import type { Faults, Logger, Registry } from '@fileflow/common';
import { createKafka, producerSettings, startWhenReachable } from '@fileflow/common';
import { outboxBacklog, type Db } from '@fileflow/db';
import { batchByteBudget, kafkaDefaultMessageMaxBytes, readBrokerMessageMaxBytes } from './broker-limits';
import type { RelayConfig } from './config';
import { createOutboxListener } from './outbox-listener';
import { createRelay } from './relay';
import { relayMetrics } from './relay-metrics';
import { publishSpans, withPublishSpans } from './relay-traces';
import type { RunningRelay } from './relay-mode';

/** RELAY_MODE=polling: this process moves the outbox to Kafka. */
export async function startPollingRelay(
  config: RelayConfig,
  deps: { db: Db; logger: Logger; faults: Faults; registry?: Registry },
): Promise<RunningRelay> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, deps.logger);
  const producer = kafka.producer(producerSettings);
  let maxBatchBytes = batchByteBudget(kafkaDefaultMessageMaxBytes, config.RELAY_BATCH_MAX_BYTES);
  const relay = createRelay({
    db: deps.db,
    producer,
    logger: deps.logger,
    batchSize: config.RELAY_BATCH_SIZE,
    maxBatchBytes: () => maxBatchBytes,
    unreadyAfterMs: config.RELAY_UNREADY_AFTER_MS,
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
    lingerMs: config.RELAY_LINGER_MS,
    errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
    faults: deps.faults,
    observer: deps.registry ? withPublishSpans(relayMetrics(deps.registry)) : publishSpans,
  });
  const listener = createOutboxListener(config.DATABASE_URL, () => relay.notify(), deps.logger);
  let stopping = false;
  let producing = false;

  /** The broker's record-batch limit; a broker that will not say (no DescribeConfigs right) leaves Kafka's default. */
  const brokerMessageMaxBytes = async (): Promise<number> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await readBrokerMessageMaxBytes(admin);
    } catch (err) {
      deps.logger.warn("could not read the broker's message.max.bytes; assuming Kafka's default", {
        err: err instanceof Error ? err.message : String(err),
      });
      return kafkaDefaultMessageMaxBytes;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  await listener.start();
  // Until Kafka answers, rows simply wait in the outbox.
  void startWhenReachable(
    'kafka producer',
    async () => {
      await producer.connect();
      maxBatchBytes = batchByteBudget(await brokerMessageMaxBytes(), config.RELAY_BATCH_MAX_BYTES);
      deps.logger.info('relay batches sized under the broker limit', { maxBatchBytes });
    },
    deps.logger,
    () => stopping,
  ).then(async (ok) => {
    if (!ok) return;
    producing = true;
    await relay.start();
  });

  return {
    readiness: () =>
      Promise.resolve([
        ...(listener.isListening() ? [] : ['not listening for outbox notifications']),
        ...(producing ? [] : ['kafka producer not connected']),
        ...relay.readiness(),
      ]),
    stats: async () => ({ mode: 'polling', ...relay.stats(), maxBatchBytes, backlog: await outboxBacklog(deps.db) }),
    async stop() {
      stopping = true;
      await relay.stop();
      await listener.stop();
      await producer.disconnect();
    },
  };
}
