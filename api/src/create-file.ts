import type { Topics } from '@fileflow/common';
import type { FileRow } from '@fileflow/db';
import { fileCreateOutboxMessage } from './file-create-message';
import type { FileWriter } from './file-writer';
import type { CreateFileBody } from './request-schemas';

export interface CreateFileDeps {
  readonly topics: Topics;
  /** Commits the file row with its outbox message (`createGroupedFileWriter` in the API). */
  readonly write: FileWriter;
  /** The next file id (`createFileIdAllocator`: from blocks of the files sequence). */
  readonly fileId: () => Promise<number>;
  readonly newId: () => string;
  readonly traceparent: () => string;
  readonly now: () => Date;
}

/**
 * The transactional outbox: the file row and its `file.create` message commit together or
 * not at all (one statement, see `insertFilesWithOutbox`). Nothing talks to Kafka here; a
 * relay publishes the message after commit.
 */
export async function createFile(deps: CreateFileDeps, body: CreateFileBody): Promise<FileRow> {
  const id = await deps.fileId();
  const message = fileCreateOutboxMessage(
    { id, ...body },
    { topics: deps.topics, messageId: deps.newId(), traceparent: deps.traceparent(), now: deps.now() },
  );
  return deps.write({ file: { id, ...body }, message });
}
