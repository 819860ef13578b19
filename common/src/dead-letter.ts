import type { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { deadLetterTopic } from './topics';

/** Where a record that could not be processed came from, and why it could not be. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly reason: string;
}

/**
 * Copy the records, untouched, to `<topic>.dlq` with the reason and their origin in headers,
 * so they can be inspected and replayed; one request for all of them. The caller commits the
 * original offsets only after this resolves: a poison record is never lost and never blocks
 * its partition.
 */
export async function sendToDeadLetters(
  producer: Producer,
  letters: readonly DeadLetter[],
  now: () => Date = () => new Date(),
): Promise<void> {
  if (letters.length === 0) return;
  const byTopic = new Map<string, Message[]>();
  for (const dl of letters) {
    const headers: IHeaders = {
      ...dl.message.headers,
      'dlq-reason': dl.reason.slice(0, 2000),
      'dlq-original-topic': dl.topic,
      'dlq-original-partition': String(dl.partition),
      'dlq-original-offset': dl.message.offset,
      'dlq-failed-at': now().toISOString(),
    };
    const topic = deadLetterTopic(dl.topic);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: dl.message.key, value: dl.message.value, headers }]);
  }
  await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}
