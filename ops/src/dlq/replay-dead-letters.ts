import type { Kafka } from 'kafkajs';
import { deadLetterOrigin, deadLetterTopic, originalHeaders, producerSettings, type Logger } from '@fileflow/common';
import { readToEnd } from '../kafka/read-to-end';

export interface ReplayResult {
  readonly replayed: number;
  readonly byReason: Record<string, number>;
}

/**
 * Send every record now in `<topic>.dlq` back to the topic it came from, unchanged but for the
 * `dlq-*` headers, and commit them in the replay group so a second replay only takes newer ones.
 * It stops at the end offsets it saw when it began, so records that fail again (and come back to
 * the dead-letter topic) are not replayed in a loop. With `dryRun`, it only counts.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  topic: string,
  opts: { dryRun?: boolean; logger: Logger; groupId?: string; timeoutMs?: number },
): Promise<ReplayResult> {
  const byReason: Record<string, number> = {};
  let replayed = 0;
  const producer = kafka.producer(producerSettings);
  await producer.connect();
  try {
    await readToEnd(
      kafka,
      {
        topics: [deadLetterTopic(topic)],
        groupId: opts.groupId ?? `fileflow-dlq-replay-${topic}`,
        commit: !opts.dryRun,
        timeoutMs: opts.timeoutMs ?? 120_000,
      },
      async ({ message }) => {
        const origin = deadLetterOrigin(message.headers);
        const reason = origin.reason ?? 'unknown';
        byReason[reason] = (byReason[reason] ?? 0) + 1;
        if (!opts.dryRun) {
          await producer.send({
            topic: origin.topic ?? topic,
            messages: [{ key: message.key, value: message.value, headers: originalHeaders(message.headers) }],
          });
        }
        replayed += 1;
      },
    );
  } finally {
    await producer.disconnect();
  }
  opts.logger.info('dead letters replayed', { topic, replayed, dryRun: !!opts.dryRun });
  return { replayed, byReason };
}
