import type { Faults, Logger } from '@fileflow/common';
import { createKafka, producerSettings, startWhenReachable } from '@fileflow/common';
import { outboxBacklog, type Db } from '@fileflow/db';
import type { RelayConfig } from './config';
import { createOutboxListener } from './outbox-listener';
import { createRelay } from './relay';
import type { RunningRelay } from './relay-mode';

/** RELAY_MODE=polling: this process moves the outbox to Kafka. */
export async function startPollingRelay(
  config: RelayConfig,
  deps: { db: Db; logger: Logger; faults: Faults },
): Promise<RunningRelay> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, deps.logger);
  const producer = kafka.producer(producerSettings);
  const relay = createRelay({
    db: deps.db,
    producer,
    logger: deps.logger,
    batchSize: config.RELAY_BATCH_SIZE,
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
    lingerMs: config.RELAY_LINGER_MS,
    errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
    faults: deps.faults,
  });
  const listener = createOutboxListener(config.DATABASE_URL, () => relay.notify(), deps.logger);
  let stopping = false;
  let producing = false;

  await listener.start();
  // Until Kafka answers, rows simply wait in the outbox.
  void startWhenReachable(
    'kafka producer',
    () => producer.connect(),
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
      ]),
    metrics: async () => ({ mode: 'polling', ...relay.stats(), backlog: await outboxBacklog(deps.db) }),
    async stop() {
      stopping = true;
      await relay.stop();
      await listener.stop();
      await producer.disconnect();
    },
  };
}
