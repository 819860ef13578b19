import type { EachMessagePayload, Kafka } from 'kafkajs';
import {
  consumerTiming,
  decodeRecord,
  fileCreateSchema,
  sendToDeadLetter,
  type Logger,
  type Runnable,
} from '@fileflow/common';
import { processFileRequest, type ProcessFileDeps, type ProcessOutcome } from './process-file-request';

export interface FileRequestConsumerDeps extends Omit<ProcessFileDeps, 'producer'> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly logger: Logger;
  readonly onOutcome?: (outcome: ProcessOutcome | { status: 'dead-lettered'; reason: string }) => void;
}

export interface FileRequestConsumer extends Runnable {
  isRunning(): boolean;
}

/**
 * Consumes `file.create`. A record is committed only after its outcome was published (or it
 * went to the dead-letter topic): a crash anywhere before that means the request is
 * processed again, which overwrites the same object and republishes the same message ids.
 */
export function createFileRequestConsumer(deps: FileRequestConsumerDeps): FileRequestConsumer {
  const log = deps.logger.child({ component: 'file-request-consumer' });
  const producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  const consumer = deps.kafka.consumer({ groupId: deps.groupId, ...consumerTiming });
  let running = false;
  consumer.on(consumer.events.CRASH, (e) =>
    log.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart }),
  );

  const handle = async ({ topic, partition, message }: EachMessagePayload): Promise<void> => {
    const decoded = decodeRecord(message, fileCreateSchema);
    if (!decoded.ok) {
      await sendToDeadLetter(producer, { topic, partition, message, reason: decoded.reason });
      log.warn('record sent to dead-letter topic', {
        topic,
        partition,
        offset: message.offset,
        reason: decoded.reason,
      });
      deps.onOutcome?.({ status: 'dead-lettered', reason: decoded.reason });
      return;
    }
    const outcome = await processFileRequest({ ...deps, producer }, decoded.value, decoded.headers);
    log.info('file request processed', { fileId: decoded.value.fileId, status: outcome.status });
    deps.onOutcome?.(outcome);
  };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topics.fileCreate, fromBeginning: true });
      await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: handle });
      running = true;
    },
    async stop() {
      running = false;
      await consumer.disconnect();
      await producer.disconnect();
    },
    isRunning: () => running,
  };
}
