import type { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { headerString } from './kafka-codec';
import { deadLetterTopic } from './topics';

/** The headers a dead letter carries besides the record's own: all, and only these, start `dlq-`. */
export const deadLetterHeaders = {
  reason: 'dlq-reason',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  failedAt: 'dlq-failed-at',
} as const;

const deadLetterHeaderPrefix = 'dlq-';

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
      [deadLetterHeaders.reason]: dl.reason.slice(0, 2000),
      [deadLetterHeaders.originalTopic]: dl.topic,
      [deadLetterHeaders.originalPartition]: String(dl.partition),
      [deadLetterHeaders.originalOffset]: dl.message.offset,
      [deadLetterHeaders.failedAt]: now().toISOString(),
    };
    const topic = deadLetterTopic(dl.topic);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: dl.message.key, value: dl.message.value, headers }]);
  }
  await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}

/** What a dead letter says of itself: why it was set aside, and the topic it came from. */
export function deadLetterOrigin(headers: IHeaders | undefined): { reason?: string; topic?: string } {
  const reason = headerString(headers, deadLetterHeaders.reason);
  const topic = headerString(headers, deadLetterHeaders.originalTopic);
  return { ...(reason !== undefined ? { reason } : {}), ...(topic !== undefined ? { topic } : {}) };
}

/** A dead letter's headers without the `dlq-*` ones: the record's headers as it first was. */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!k.startsWith(deadLetterHeaderPrefix) && v !== undefined) out[k] = v;
  }
  return out;
}
