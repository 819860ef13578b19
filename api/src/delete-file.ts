import type { Topics } from '@fileflow/common';
import {
  insertOutboxMessage,
  insertOutboxMessages,
  lockDueForDeletion,
  lockFile,
  markDeletionRequested,
  type Db,
  type FileRow,
  type Owner,
} from '@fileflow/db';
import { AppError } from './app-error';
import { fileDeleteOutboxMessage } from './file-delete-message';

export interface DeleteFileDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly newId: () => string;
  readonly traceparent: () => string;
  readonly now: () => Date;
}

/**
 * `DELETE /files/:id`: end the file's lifetime now. In ONE transaction, lock the row and, the
 * first time only, mark its deletion as asked for and write its `file.delete` outbox message;
 * asking again changes nothing (idempotent). The processor deletes the object after whatever
 * the file's creation still has to do (same partition), and the file ends `expired`.
 * Throws `not_found` for an unknown id or another owner's file.
 */
export async function deleteFile(deps: DeleteFileDeps, id: number, owner: Owner = null): Promise<FileRow> {
  return deps.db.transaction().execute(async (trx) => {
    const file = await lockFile(trx, id);
    if (!file || file.owner !== owner) throw new AppError('not_found', `file ${id} does not exist`);
    if (file.deletion_requested_at !== null) return file;
    const [row] = await markDeletionRequested(trx, [id]);
    if (!row) throw new Error(`file ${id} was not marked inside its transaction`);
    await insertOutboxMessage(
      trx,
      fileDeleteOutboxMessage(file, {
        topics: deps.topics,
        messageId: deps.newId(),
        traceparent: deps.traceparent(),
        now: deps.now(),
        reason: 'deleted',
      }),
    );
    return row;
  });
}

/**
 * One batch of the expiry sweep: in ONE transaction, take up to `limit` files whose lifetime has
 * ended and whose deletion is not asked for yet (rows other sweeps hold are skipped), mark them
 * and write each one's `file.delete` outbox message. Resolves with how many it asked to delete.
 */
export async function requestDueDeletions(deps: DeleteFileDeps, limit: number): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const due = await lockDueForDeletion(trx, limit);
    if (due.length === 0) return 0;
    await markDeletionRequested(
      trx,
      due.map((f) => f.id),
    );
    const now = deps.now();
    await insertOutboxMessages(
      trx,
      due.map((f) =>
        fileDeleteOutboxMessage(f, {
          topics: deps.topics,
          messageId: deps.newId(),
          traceparent: deps.traceparent(),
          now,
          reason: 'expired',
        }),
      ),
    );
    return due.length;
  });
}
