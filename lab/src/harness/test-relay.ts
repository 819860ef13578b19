import type { Producer } from 'kafkajs';
import { producerSettings, silentLogger } from '@fileflow/common';
import { createRelay, type Relay, type RelayDeps } from '@fileflow/outbox-relay';
import type { TestEnv } from './test-env';

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
