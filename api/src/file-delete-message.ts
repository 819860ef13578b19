import type { FileDelete, FileFormat, Topics } from '@fileflow/common';
import type { NewOutboxMessage } from '@fileflow/db';

/**
 * The outbox row asking for a file's object to be deleted. It goes to the `file.create` topic
 * with the file id as its key, like the file's creation: in the same partition, after it, so
 * the processor deletes only what its creation wrote (a later upload, from the retry topic, is
 * caught by the status consumer, which asks again: `planStatusBatch`).
 */
export function fileDeleteOutboxMessage(
  file: { readonly id: number; readonly format: FileFormat },
  ctx: { topics: Topics; messageId: string; traceparent: string; now: Date; reason: FileDelete['reason'] },
): NewOutboxMessage {
  const payload: FileDelete = {
    fileId: file.id,
    ...(file.format !== 'txt' ? { format: file.format } : {}),
    reason: ctx.reason,
    timestamp: ctx.now.toISOString(),
  };
  return {
    id: ctx.messageId,
    aggregatetype: 'file',
    aggregateid: String(file.id),
    type: 'file.delete',
    topic: ctx.topics.fileCreate,
    payload,
    traceparent: ctx.traceparent,
  };
}
