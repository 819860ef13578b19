import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import {
  consumerTiming,
  decodeRecord,
  fileCreatedSchema,
  fileProcessingSchema,
  sendToDeadLetter,
  type Faults,
  type Logger,
  type Runnable,
  type Topics,
} from '@fileflow/common';
import type { Db } from '@fileflow/db';
import { applyStatusEvent, type ApplyOutcome } from './apply-status-event';

export interface StatusConsumerDeps {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly topics: Topics;
  readonly groupId: string;
  readonly logger: Logger;
  readonly faults?: Faults;
  /** Observe each outcome (metrics, tests). */
  readonly onOutcome?: (outcome: ApplyOutcome | { kind: 'dead-lettered'; reason: string }) => void;
}

export interface StatusConsumer extends Runnable {
  isRunning(): boolean;
}

/**
 * Consumes `file.processing` and `file.created` and applies them to `files`. The offset of a
 * record is committed only after its transaction committed (or it went to the dead-letter
 * topic), so a crash or a database outage means redelivery, never loss; the inbox makes
 * redelivery harmless.
 */
export function createStatusConsumer(deps: StatusConsumerDeps): StatusConsumer {
  const log = deps.logger.child({ component: 'status-consumer' });
  const consumer: Consumer = deps.kafka.consumer({ groupId: deps.groupId, ...consumerTiming });
  const producer: Producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  let running = false;
  consumer.on(consumer.events.CRASH, (e) =>
    log.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart }),
  );

  const handle = async ({ topic, partition, message }: EachMessagePayload): Promise<void> => {
    const schema = topic === deps.topics.fileProcessing ? fileProcessingSchema : fileCreatedSchema;
    const decoded = decodeRecord(message, schema);
    let outcome: ApplyOutcome | { kind: 'dead-lettered'; reason: string };
    if (!decoded.ok) {
      outcome = { kind: 'dead-lettered', reason: decoded.reason };
    } else {
      const applied = await applyStatusEvent(deps.db, decoded.value, decoded.headers, deps.faults);
      outcome =
        applied.kind === 'unknown-file'
          ? { kind: 'dead-lettered', reason: `file ${decoded.value.fileId} does not exist` }
          : applied;
    }
    if (outcome.kind === 'dead-lettered') {
      await sendToDeadLetter(producer, { topic, partition, message, reason: outcome.reason });
      log.warn('record sent to dead-letter topic', {
        topic,
        partition,
        offset: message.offset,
        reason: outcome.reason,
      });
    } else {
      log.debug('status event', { topic, offset: message.offset, outcome });
    }
    deps.onOutcome?.(outcome);
  };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.fileProcessing, deps.topics.fileCreated], fromBeginning: true });
      await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: handle });
      running = true;
    },
    async stop() {
      running = false;
      await consumer.disconnect(); // waits for the in-flight message to finish
      await producer.disconnect();
    },
    isRunning: () => running,
  };
}
