import { decideRetry, type Topics } from '@fileflow/common';
import { AppError } from './app-error';
import { insertOutboxMessage, lockFile, startFileAttempt, type Db, type FileRow, type Owner } from '@fileflow/db';
import { fileCreateOutboxMessage } from './file-create-message';

export interface RetryFileDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly newId: () => string;
  readonly traceparent: () => string;
  readonly now: () => Date;
}

/**
 * Send a failed file through again as its next attempt: in ONE transaction, lock the row,
 * decide (`decideRetry`: only a `failed` file), move it to the new attempt (`pending`, location
 * and error cleared) and write the attempt's `file.create` outbox message. Events of earlier
 * attempts that arrive later are ignored by the status consumer, so they cannot touch it.
 * Throws `not_found` for an unknown id or another owner's file, and `conflict` for a file that
 * is not failed.
 */
export async function retryFile(deps: RetryFileDeps, id: number, owner: Owner = null): Promise<FileRow> {
  return deps.db.transaction().execute(async (trx) => {
    const file = await lockFile(trx, id);
    if (!file || file.owner !== owner) throw new AppError('not_found', `file ${id} does not exist`);
    if (file.deletion_requested_at !== null) {
      throw new AppError(
        'conflict',
        `file ${id} cannot be retried: it is ${file.status === 'expired' ? 'expired' : 'being deleted'}`,
      );
    }
    const decision = decideRetry({ status: file.status, attempt: file.attempt });
    if (!decision.retry) throw new AppError('conflict', `file ${id} cannot be retried: ${decision.reason}`);
    const row = await startFileAttempt(trx, id, decision.attempt);
    await insertOutboxMessage(
      trx,
      fileCreateOutboxMessage(row, {
        topics: deps.topics,
        messageId: deps.newId(),
        traceparent: deps.traceparent(),
        now: deps.now(),
      }),
    );
    return row;
  });
}
