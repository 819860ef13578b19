import type { Producer } from 'kafkajs';
import { producerSettings, silentLogger, type Logger } from '@fileflow/common';
import { stackSettings, type TestEnv } from '@fileflow/testkit';
import { createConnectClient } from './debezium/connect-client';
import { connectorNamesFor } from './debezium/connector-config';
import { createOutboxCleanup } from './debezium/outbox-cleanup';
import { registerConnector } from './debezium/register-connector';
import { dropSlot, slotHealth } from './debezium/replication-slot';
import { createRelay, type Relay, type RelayDeps } from './relay';

/*
 * The relays as tests run them on a test env (`@fileflow/outbox-relay/src/testing`): test code
 * only, never imported by the services.
 */

/**
 * A polling relay on `env` with its own connected producer (or `overrides.producer`, connected
 * here): batch 100, poll 1 s, fast error backoff unless overridden. Not started: call `relay.start()` for the loop, or `drainOnce()`.
 */
export async function createTestRelay(
  env: TestEnv,
  overrides: Partial<
    Pick<RelayDeps, 'batchSize' | 'pollIntervalMs' | 'maxBatchBytes' | 'unreadyAfterMs' | 'producer'>
  > = {},
): Promise<{ relay: Relay; producer: Producer }> {
  const producer = overrides.producer ?? env.kafka.producer(producerSettings); // as the relay service's
  await producer.connect();
  const relay = createRelay({
    db: env.db,
    logger: silentLogger,
    batchSize: 100,
    pollIntervalMs: 1_000,
    errorBackoff: { attempts: Infinity, initialDelayMs: 50, maxDelayMs: 500, factor: 2 },
    ...overrides,
    producer,
  });
  return { relay, producer };
}

/**
 * The Debezium relay for one test env: its own connector and slot on the env's database,
 * plus the outbox cleanup the relay process runs in debezium mode; all removed when the env is
 * cleaned up.
 */
export async function startTestDebeziumRelay(
  env: TestEnv,
  logger: Logger,
): Promise<{ stop(): Promise<void>; connectorName: string }> {
  const connect = createConnectClient(stackSettings.connectUrl);
  const names = connectorNamesFor(env.databaseName);
  await registerConnector({ connect, db: env.db, logger }, { ...names, databaseUrl: env.databaseUrl });
  const cleanup = createOutboxCleanup({
    db: env.db,
    logger,
    intervalMs: 500,
    guard: async () => ((await slotHealth(env.db, names.slotName)) ? undefined : 'no slot'),
  });
  await cleanup.start();
  removeConnectorAtCleanup(env);
  return { stop: () => cleanup.stop(), connectorName: names.name };
}

/**
 * When `env` is cleaned up, remove what a Debezium relay on its database leaves behind: the
 * connector (on the Kafka Connect at `connectUrl`), its replication slot (which would keep WAL)
 * and its heartbeat topic.
 */
export function removeConnectorAtCleanup(env: TestEnv, connectUrl = stackSettings.connectUrl): void {
  const names = connectorNamesFor(env.databaseName);
  env.beforeCleanup(async () => {
    await createConnectClient(connectUrl)
      .delete(names.name)
      .catch(() => undefined);
    await dropSlot(env.db, names.slotName);
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const heartbeat = `__debezium-heartbeat.${names.topicPrefix}`;
      if ((await admin.listTopics()).includes(heartbeat)) await admin.deleteTopics({ topics: [heartbeat] });
    } finally {
      await admin.disconnect();
    }
  });
}
