import type { EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { sendToDeadLetter } from './dead-letter';
import { consumerTiming } from './kafka';
import type { Runnable } from './lifecycle';
import type { Logger } from './logger';

/**
 * Handle one record. Resolve with a reason to send it to the dead-letter topic, or with
 * nothing when it was processed. Throw to have it delivered again (its offset is not committed).
 */
export type RecordHandler = (payload: EachMessagePayload, producer: Producer) => Promise<string | undefined>;

export interface RecordConsumer extends Runnable {
  isRunning(): boolean;
}

/**
 * The consumer loop every service shares: one consumer group over `topics`, 3 partitions at a
 * time, a producer for the handler's output and for dead letters. KafkaJS commits a record's
 * offset only after `handle` (and a dead-letter copy, if any) resolved, so a crash means
 * redelivery, never loss; a poison record goes to `<topic>.dlq` and never blocks its partition.
 */
export function createRecordConsumer(o: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  handle: RecordHandler;
}): RecordConsumer {
  const consumer = o.kafka.consumer({ groupId: o.groupId, ...consumerTiming });
  const producer = o.kafka.producer({ allowAutoTopicCreation: true });
  let running = false;
  consumer.on(consumer.events.CRASH, (e) =>
    o.logger.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart }),
  );

  const eachMessage = async (payload: EachMessagePayload): Promise<void> => {
    const reason = await o.handle(payload, producer);
    if (reason === undefined) return;
    const { topic, partition, message } = payload;
    await sendToDeadLetter(producer, { topic, partition, message, reason });
    o.logger.warn('record sent to dead-letter topic', { topic, partition, offset: message.offset, reason });
  };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
      await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage });
      running = true;
    },
    async stop() {
      running = false;
      await consumer.disconnect(); // waits for the in-flight records to finish
      await producer.disconnect();
    },
    isRunning: () => running,
  };
}
