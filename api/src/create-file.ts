import type { Topics } from '@fileflow/common';
import { insertFileWithOutbox, type Db, type FileRow } from '@fileflow/db';
import { fileCreateOutboxMessage } from './file-create-message';
import type { CreateFileBody } from './request-schemas';

export interface CreateFileDeps {
  readonly db: Db;
  readonly topics: Topics;
  /** The next file id (`createFileIdAllocator`: from blocks of the files sequence). */
  readonly fileId: () => Promise<number>;
  readonly newId: () => string;
  readonly traceparent: () => string;
  readonly now: () => Date;
}

/**
 * The transactional outbox: the file row and its `file.create` message commit together or
 * not at all (one statement, see `insertFileWithOutbox`). Nothing talks to Kafka here; a
 * relay publishes the message after commit.
 */
export async function createFile(deps: CreateFileDeps, body: CreateFileBody): Promise<FileRow> {
  const id = await deps.fileId();
  const message = fileCreateOutboxMessage(
    { id, ...body },
    { topics: deps.topics, messageId: deps.newId(), traceparent: deps.traceparent(), now: deps.now() },
  );
  return insertFileWithOutbox(deps.db, { id, ...body }, message);
}
