import type { EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sendToDeadLetters, type DeadLetter } from './dead-letter';
import { consumerTiming } from './kafka';
import type { Runnable } from './lifecycle';
import type { Logger } from './logger';

/** One consumed record and where it came from. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Handle records of one partition, in offset order. Resolve with the records to send to the
 * dead-letter topic (and why); every other record counts as processed. Throw to have all of
 * them delivered again (none of their offsets is committed).
 */
export type BatchHandler = (records: readonly ConsumedRecord[], producer: Producer) => Promise<readonly DeadLetter[]>;

export interface RecordConsumer extends Runnable {
  isRunning(): boolean;
}

/** Split `items` into slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The consumer loop every service shares: one consumer group over `topics`, up to six
 * partitions at a time, each partition's records handed over in slices of at most
 * `sliceSize` (what the broker has ready, so a slice is one record when the load is light and
 * many under load), and a producer for the handler's output and for dead letters. A slice's
 * offsets are resolved only after `handle` (and the dead-letter copies) resolved, and KafkaJS
 * commits the resolved offsets when the fetched batch is done, so a crash means redelivery (of
 * at most that batch), never loss; a poison record goes to `<topic>.dlq` and never blocks its
 * partition. On shutdown or a rebalance the loop stops between slices; what it did not
 * finish comes again.
 */
export function createRecordConsumer(o: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  handle: BatchHandler;
  sliceSize?: number;
}): RecordConsumer {
  const consumer = o.kafka.consumer({ groupId: o.groupId, ...consumerTiming });
  const producer = o.kafka.producer({ allowAutoTopicCreation: true });
  const sliceSize = o.sliceSize ?? 100;
  let running = false;
  consumer.on(consumer.events.CRASH, (e) =>
    o.logger.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart }),
  );

  const eachBatch = async (p: EachBatchPayload): Promise<void> => {
    const { topic, partition } = p.batch;
    for (const slice of slices(p.batch.messages, sliceSize)) {
      if (!p.isRunning() || p.isStale()) return;
      const started = Date.now();
      const dead = await o.handle(
        slice.map((message) => ({ topic, partition, message })),
        producer,
      );
      await sendToDeadLetters(producer, dead);
      for (const d of dead) {
        o.logger.warn('record sent to dead-letter topic', {
          topic,
          partition,
          offset: d.message.offset,
          reason: d.reason,
        });
      }
      const last = slice.at(-1);
      if (last) p.resolveOffset(last.offset);
      await p.heartbeat();
      o.logger.debug('slice done', { topic, partition, records: slice.length, ms: Date.now() - started });
    }
  };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
      await consumer.run({ partitionsConsumedConcurrently: 6, eachBatchAutoResolve: false, eachBatch });
      running = true;
    },
    async stop() {
      running = false;
      await consumer.disconnect(); // waits for the slice in flight to finish
      await producer.disconnect();
    },
    isRunning: () => running,
  };
}
