import type { EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sendToDeadLetters, type DeadLetter } from './dead-letter';
import { consumerTiming, producerSettings } from './kafka';
import { createOffsetCommitter } from './offset-committer';
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
 * offsets are resolved only after `handle` (and the dead-letter copies) resolved, and committed
 * in the background at most `commitIntervalMs` later (`createOffsetCommitter`), so a crash means
 * redelivery (of what was processed in that window and not yet committed), never loss; a poison
 * record goes to `<topic>.dlq` and never blocks its partition. On shutdown the loop stops
 * between slices, lets the slices in flight finish and commits them; on a rebalance what it did
 * not commit comes again to the partition's new owner. `stop()` is final: create a new consumer
 * to consume again.
 */
export function createRecordConsumer(o: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  handle: BatchHandler;
  sliceSize?: number;
  /** How long a processed offset may wait to be committed (default 100 ms). */
  commitIntervalMs?: number;
}): RecordConsumer {
  const consumer = o.kafka.consumer({ groupId: o.groupId, ...consumerTiming });
  const producer = o.kafka.producer(producerSettings);
  const sliceSize = o.sliceSize ?? 100;
  const offsets = createOffsetCommitter({
    commit: (list) => consumer.commitOffsets(list),
    intervalMs: o.commitIntervalMs ?? 100,
    onError: (err) => o.logger.warn('offset commit failed; retrying', { error: String(err) }),
  });
  let running = false;
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  consumer.on(consumer.events.GROUP_JOIN, (e) => offsets.retain(e.payload.memberAssignment));
  consumer.on(consumer.events.CRASH, (e) =>
    o.logger.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart }),
  );

  const runSlice = async (p: EachBatchPayload, slice: KafkaMessage[]): Promise<void> => {
    const { topic, partition } = p.batch;
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
    if (last) {
      p.resolveOffset(last.offset);
      offsets.processed(topic, partition, last.offset);
    }
    o.logger.debug('slice done', { topic, partition, records: slice.length, ms: Date.now() - started });
  };

  const eachBatch = async (p: EachBatchPayload): Promise<void> => {
    for (const slice of slices(p.batch.messages, sliceSize)) {
      if (stopping || !p.isRunning() || p.isStale()) return;
      const work = runSlice(p, slice);
      inFlight.add(work);
      await work.finally(() => inFlight.delete(work));
      await p.heartbeat();
    }
  };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
      // autoCommit off: KafkaJS would commit after every partition batch and wait for it before
      // fetching again; `offsets` commits in the background instead.
      await consumer.run({
        partitionsConsumedConcurrently: 6,
        eachBatchAutoResolve: false,
        autoCommit: false,
        eachBatch,
      });
      running = true;
    },
    async stop() {
      running = false;
      stopping = true; // no new slice starts; let the ones in flight finish, then commit them
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      offsets.close();
      await offsets.flush();
      await consumer.disconnect();
      await producer.disconnect();
    },
    isRunning: () => running,
  };
}
