import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopic } from './topics';

/** Where a record that could not be processed came from, and why it could not be. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly reason: string;
}

/**
 * Copy the record, untouched, to `<topic>.dlq` with the reason and its origin in headers,
 * so it can be inspected and replayed. The caller commits the original offset only after
 * this resolves: a poison record is never lost and never blocks its partition.
 */
export async function sendToDeadLetter(
  producer: Producer,
  dl: DeadLetter,
  now: () => Date = () => new Date(),
): Promise<void> {
  const headers: IHeaders = {
    ...dl.message.headers,
    'dlq-reason': dl.reason.slice(0, 2000),
    'dlq-original-topic': dl.topic,
    'dlq-original-partition': String(dl.partition),
    'dlq-original-offset': dl.message.offset,
    'dlq-failed-at': now().toISOString(),
  };
  await producer.send({
    topic: deadLetterTopic(dl.topic),
    messages: [{ key: dl.message.key, value: dl.message.value, headers }],
  });
}
