import type { IHeaders, Kafka } from 'kafkajs';
import { deadLetterTopic, headerString, producerSettings, type Logger } from '@fileflow/common';

export interface ReplayResult {
  readonly replayed: number;
  readonly byReason: Record<string, number>;
}

/** Headers of a dead letter without the `dlq-*` ones: the record as it first was. */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (!k.startsWith('dlq-') && v !== undefined) out[k] = v;
  return out;
}

/**
 * Send every record now in `<topic>.dlq` back to `topic`, unchanged but for the `dlq-*`
 * headers, and commit them in the replay group so a second replay only takes newer ones.
 * It stops at the end offsets it saw when it began, so records that fail again (and come
 * back to the dead-letter topic) are not replayed in a loop. With `dryRun`, it only counts.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  topic: string,
  opts: { dryRun?: boolean; logger: Logger; groupId?: string },
): Promise<ReplayResult> {
  const dlq = deadLetterTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = opts.groupId ?? `fileflow-dlq-replay-${topic}`;
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(dlq),
    admin.fetchOffsets({ groupId, topics: [dlq] }),
  ]).finally(() => admin.disconnect());
  const start = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  const remaining = new Map<number, number>();
  for (const p of ends) {
    const from = Math.max(start.get(p.partition) ?? -1, Number(p.low));
    if (Number(p.high) > from) remaining.set(p.partition, Number(p.high));
  }
  const byReason: Record<string, number> = {};
  if (remaining.size === 0) return { replayed: 0, byReason };

  const producer = kafka.producer(producerSettings);
  const consumer = kafka.consumer({ groupId });
  await Promise.all([producer.connect(), consumer.connect()]);
  let replayed = 0;
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: !opts.dryRun,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || Number(message.offset) >= end) return;
            const reason = headerString(message.headers, 'dlq-reason') ?? 'unknown';
            byReason[reason] = (byReason[reason] ?? 0) + 1;
            if (!opts.dryRun) {
              await producer.send({
                topic: headerString(message.headers, 'dlq-original-topic') ?? topic,
                messages: [{ key: message.key, value: message.value, headers: originalHeaders(message.headers) }],
              });
            }
            replayed += 1;
            if (Number(message.offset) + 1 >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  opts.logger.info('dead letters replayed', { topic, replayed, dryRun: !!opts.dryRun });
  return { replayed, byReason };
}
