import type { Kafka } from 'kafkajs';
import {
  createRecordConsumer,
  decodeRecord,
  fileCreateSchema,
  type DeadLetter,
  type Logger,
  type RecordConsumer,
} from '@fileflow/common';
import { processFileRequests, type FileRequest, type ProcessFileDeps } from './process-file-requests';

export interface FileRequestConsumerDeps extends Omit<ProcessFileDeps, 'producer'> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly logger: Logger;
}

export type FileRequestConsumer = RecordConsumer;

/**
 * Consumes `file.create`. Records are committed only after their outcomes were published (or
 * they went to the dead-letter topic): a crash anywhere before that means the requests are
 * processed again, which overwrites the same objects and republishes the same message ids.
 */
export function createFileRequestConsumer(deps: FileRequestConsumerDeps): FileRequestConsumer {
  const log = deps.logger.child({ component: 'file-request-consumer' });
  return createRecordConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topics.fileCreate],
    logger: log,
    async handle(records, producer) {
      const dead: DeadLetter[] = [];
      const requests = new Map<string, FileRequest>(); // by message id: a repeat in one slice is done once
      for (const record of records) {
        const decoded = decodeRecord(record.message, fileCreateSchema);
        if (decoded.ok) requests.set(decoded.headers.id, { request: decoded.value, headers: decoded.headers });
        else dead.push({ ...record, reason: decoded.reason });
      }
      const batch = [...requests.values()];
      const outcomes = await processFileRequests({ ...deps, producer }, batch);
      batch.forEach(({ request }, i) =>
        log.debug('file request processed', { fileId: request.fileId, status: outcomes[i]?.status }),
      );
      log.info('file requests processed', {
        files: batch.length,
        failed: outcomes.filter((o) => o.status === 'failed').length,
      });
      return dead;
    },
  });
}
