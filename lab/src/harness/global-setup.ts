import { ensureStack } from '@fileflow/infra';

/**
 * Bring the stack up (no-op when it is already running) before any integration test,
 * Kafka Connect included: the relay contract suite runs against both relays.
 * With FILEFLOW_EXTERNAL_STACK=1 the tests use DATABASE_URL, KAFKA_BROKERS and
 * AWS_ENDPOINT as given and start nothing.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.FILEFLOW_EXTERNAL_STACK === '1') return;
  await ensureStack({ connect: true });
}
