import type { Topics } from '@fileflow/common';
import { insertFile, insertOutboxMessage, type Db, type FileRow } from '@fileflow/db';
import { fileCreateOutboxMessage } from './file-create-message';
import type { CreateFileBody } from './request-schemas';

export interface CreateFileDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly newId: () => string;
  readonly traceparent: () => string;
  readonly now: () => Date;
}

/**
 * The transactional outbox: the file row and its `file.create` message commit together or
 * not at all. Nothing talks to Kafka here; a relay publishes the message after commit.
 */
export async function createFile(deps: CreateFileDeps, body: CreateFileBody): Promise<FileRow> {
  return deps.db.transaction().execute(async (trx) => {
    const file = await insertFile(trx, body);
    await insertOutboxMessage(
      trx,
      fileCreateOutboxMessage(file, {
        topics: deps.topics,
        messageId: deps.newId(),
        traceparent: deps.traceparent(),
        now: deps.now(),
      }),
    );
    return file;
  });
}
