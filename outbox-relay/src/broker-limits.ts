import { ConfigResourceTypes, type Admin } from 'kafkajs';

/** Kafka's default `message.max.bytes`: what the relay assumes until it has read the broker's. */
export const kafkaDefaultMessageMaxBytes = 1_048_588;

/** Room for the record batch's own header (61 bytes) and the request's, kept free of records. */
const batchFramingBytes = 1_024;

/**
 * The record bytes one relay batch may carry under a broker limit of `messageMaxBytes` (a record
 * batch larger than that is refused as MESSAGE_TOO_LARGE), and under `configured`
 * (RELAY_BATCH_MAX_BYTES) when set. A batch is one record batch per partition, so a batch whose
 * records fit stays under the limit wherever they land.
 */
export function batchByteBudget(messageMaxBytes: number, configured?: number): number {
  return Math.max(1, Math.min(configured ?? Infinity, messageMaxBytes - batchFramingBytes));
}

/** The smallest `message.max.bytes` among the cluster's brokers, as they report it. */
export async function readBrokerMessageMaxBytes(admin: Admin): Promise<number> {
  const { brokers } = await admin.describeCluster();
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: brokers.map((b) => ({
      type: ConfigResourceTypes.BROKER,
      name: String(b.nodeId),
      configNames: ['message.max.bytes'],
    })),
  });
  const values = resources.flatMap((r) =>
    r.configEntries.filter((e) => e.configName === 'message.max.bytes').map((e) => Number(e.configValue)),
  );
  const valid = values.filter((v) => Number.isInteger(v) && v > 0);
  if (valid.length === 0) throw new Error('the brokers did not report message.max.bytes');
  return Math.min(...valid);
}
