import { createKafka, silentLogger } from '@fileflow/common';

/** Evidence that a broker fault is real: a client that does not retry cannot reach `brokers`. */
export async function kafkaUnreachable(brokers: readonly string[]): Promise<boolean> {
  const kafka = createKafka({ brokers: [...brokers], clientId: 'chaos-probe' }, silentLogger, {
    retry: { retries: 0 },
    connectionTimeout: 1_000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
    return false;
  } catch {
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
