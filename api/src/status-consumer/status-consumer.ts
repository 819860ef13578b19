import type { Kafka } from 'kafkajs';
import {
  createRecordConsumer,
  decodeRecord,
  fileCreatedSchema,
  fileProcessingSchema,
  type Faults,
  type Logger,
  type RecordConsumer,
  type Topics,
} from '@fileflow/common';
import type { Db } from '@fileflow/db';
import { applyStatusEvent } from './apply-status-event';

export interface StatusConsumerDeps {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly topics: Topics;
  readonly groupId: string;
  readonly logger: Logger;
  readonly faults?: Faults;
}

export type StatusConsumer = RecordConsumer;

/**
 * Consumes `file.processing` and `file.created` and applies them to `files`. The offset of a
 * record is committed only after its transaction committed (or it went to the dead-letter
 * topic), so a crash or a database outage means redelivery, never loss; the inbox makes
 * redelivery harmless.
 */
export function createStatusConsumer(deps: StatusConsumerDeps): StatusConsumer {
  const log = deps.logger.child({ component: 'status-consumer' });
  return createRecordConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topics.fileProcessing, deps.topics.fileCreated],
    logger: log,
    async handle({ topic, message }) {
      const schema = topic === deps.topics.fileProcessing ? fileProcessingSchema : fileCreatedSchema;
      const decoded = decodeRecord(message, schema);
      if (!decoded.ok) return decoded.reason;
      const outcome = await applyStatusEvent(deps.db, decoded.value, decoded.headers, deps.faults);
      if (outcome.kind === 'unknown-file') return `file ${decoded.value.fileId} does not exist`;
      log.debug('status event', { topic, offset: message.offset, outcome });
      return undefined;
    },
  });
}
