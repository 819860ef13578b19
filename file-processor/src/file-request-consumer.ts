import type { Kafka } from 'kafkajs';
import {
  createRecordConsumer,
  decodeRecord,
  fileCreateSchema,
  type Logger,
  type RecordConsumer,
} from '@fileflow/common';
import { processFileRequest, type ProcessFileDeps } from './process-file-request';

export interface FileRequestConsumerDeps extends Omit<ProcessFileDeps, 'producer'> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly logger: Logger;
}

export type FileRequestConsumer = RecordConsumer;

/**
 * Consumes `file.create`. A record is committed only after its outcome was published (or it
 * went to the dead-letter topic): a crash anywhere before that means the request is
 * processed again, which overwrites the same object and republishes the same message ids.
 */
export function createFileRequestConsumer(deps: FileRequestConsumerDeps): FileRequestConsumer {
  const log = deps.logger.child({ component: 'file-request-consumer' });
  return createRecordConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topics.fileCreate],
    logger: log,
    async handle({ message }, producer) {
      const decoded = decodeRecord(message, fileCreateSchema);
      if (!decoded.ok) return decoded.reason;
      const outcome = await processFileRequest({ ...deps, producer }, decoded.value, decoded.headers);
      log.info('file request processed', { fileId: decoded.value.fileId, status: outcome.status });
      return undefined;
    },
  });
}
