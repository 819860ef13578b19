import type { FileCreate, FileFormat, Topics } from '@fileflow/common';
import type { FileRow, NewOutboxMessage } from '@fileflow/db';

/**
 * The outbox row announcing a file request: `aggregateid` is the file id (the Kafka key, hence
 * per-file order), `topic` is where either relay sends it, `payload` is the design's
 * `file.create` value, with `attempt` from the second attempt on (`POST /files/:id/retry`) and
 * `format` for a file that is not text (so a text file's message is the design's exactly).
 */
export function fileCreateOutboxMessage(
  file: Pick<FileRow, 'id' | 'title' | 'description'> & { readonly attempt?: number; readonly format?: FileFormat },
  ctx: { topics: Topics; messageId: string; traceparent: string; now: Date },
): NewOutboxMessage {
  const payload: FileCreate = {
    fileId: file.id,
    title: file.title,
    description: file.description ?? '',
    timestamp: ctx.now.toISOString(),
    ...(file.attempt !== undefined && file.attempt > 1 ? { attempt: file.attempt } : {}),
    ...(file.format !== undefined && file.format !== 'txt' ? { format: file.format } : {}),
  };
  return {
    id: ctx.messageId,
    aggregatetype: 'file',
    aggregateid: String(file.id),
    type: 'file.create',
    topic: ctx.topics.fileCreate,
    payload,
    traceparent: ctx.traceparent,
  };
}
