import type { Logger } from '@fileflow/common';
import {
  connectorNamesFor,
  createConnectClient,
  createOutboxCleanup,
  dropSlot,
  registerConnector,
  slotHealth,
} from '@fileflow/outbox-relay';
import type { TestEnv } from './test-env';

export const connectUrl = process.env.KAFKA_CONNECT_URL ?? 'http://127.0.0.1:8083';

/**
 * The Debezium relay for one test env: its own connector and slot on the env's database,
 * plus the outbox cleanup the relay process runs in debezium mode. Removed (connector, slot)
 * when the env is cleaned up.
 */
export async function startDebeziumRelay(
  env: TestEnv,
  logger: Logger,
): Promise<{ stop(): Promise<void>; connectorName: string }> {
  const connect = createConnectClient(connectUrl);
  const names = connectorNamesFor(env.databaseName);
  await registerConnector({ connect, db: env.db, logger }, { ...names, databaseUrl: env.databaseUrl });
  const cleanup = createOutboxCleanup({
    db: env.db,
    logger,
    intervalMs: 500,
    guard: async () => ((await slotHealth(env.db, names.slotName)) ? undefined : 'no slot'),
  });
  await cleanup.start();
  env.beforeCleanup(async () => {
    await connect.delete(names.name).catch(() => undefined);
    await dropSlot(env.db, names.slotName);
  });
  return { stop: () => cleanup.stop(), connectorName: names.name };
}
