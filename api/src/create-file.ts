import { inSpan, traceparentOf, type Span, type Topics } from '@fileflow/common';
import type { IdempotencyRecord, Owner } from '@fileflow/db';
import { AppError } from './app-error';
import { isDatabaseUnavailable } from './database-errors';
import { fileCreateOutboxMessage } from './file-create-message';
import type { FileWriter } from './file-writer';
import { decideReplay, requestFingerprint } from './idempotency';
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
  /** Whether file `id` exists: asked when the database failed before saying whether a write committed. */
  readonly fileExists?: (id: number) => Promise<boolean>;
  /** The live record of an owner's idempotency key (`findIdempotencyKey`). */
  readonly findIdempotencyKey?: (owner: Owner, key: string) => Promise<IdempotencyRecord | undefined>;
  /** How long an idempotency key is remembered, in seconds. */
  readonly idempotencyTtlSeconds?: number;
  /** The lifetime of a file created without `expiresInSeconds` (none: kept until deleted). */
  readonly retentionSeconds?: number | undefined;
}

export interface CreateFileRequest {
  readonly body: CreateFileBody;
  /** The API key making the request (null: none). */
  readonly owner?: Owner;
  readonly idempotencyKey?: string | undefined;
}

/** The file a request created, or (`replayed`) the one an earlier request with its key created. */
export interface CreatedFile {
  readonly id: number;
  readonly replayed: boolean;
}

/** How often a write whose key expired between the write and the look-up is tried again. */
const maxKeyRaces = 3;

/**
 * The transactional outbox: the file row and its `file.create` message commit together or not
 * at all (one statement, see `insertFilesWithOutbox`), with the request's idempotency key if it
 * has one. Nothing talks to Kafka here; a relay publishes the message after commit.
 *
 * A request whose key is taken is answered from what the key created (`decideReplay`). When the
 * database fails without saying whether the commit landed, the file id (allocated before the
 * write) is looked up: a file that exists was created, and is answered as such.
 */
export function createFile(deps: CreateFileDeps, req: CreateFileRequest): Promise<CreatedFile> {
  // The span the outbox row points at: the relay's publish and the processor's work are its children.
  return inSpan('create file', {}, (span) => createFileIn(span, deps, req));
}

async function createFileIn(span: Span, deps: CreateFileDeps, req: CreateFileRequest): Promise<CreatedFile> {
  const id = await deps.fileId();
  span.setAttribute('fileflow.file_id', id);
  const owner = req.owner ?? null;
  const { expiresInSeconds = deps.retentionSeconds, ...body } = req.body;
  const file = { id, ...body, owner, expiresInSeconds: expiresInSeconds ?? null };
  const message = fileCreateOutboxMessage(file, {
    topics: deps.topics,
    messageId: deps.newId(),
    traceparent: traceparentOf(span) ?? deps.traceparent(),
    now: deps.now(),
  });
  const key = req.idempotencyKey;
  // A text file's fingerprint is that of the design's body, as before formats existed.
  const { format, ...designBody } = req.body;
  const fingerprint =
    key === undefined
      ? undefined
      : requestFingerprint(format === undefined || format === 'txt' ? designBody : req.body);
  const idempotency =
    key === undefined || fingerprint === undefined
      ? undefined
      : { key, requestHash: fingerprint, ttlSeconds: deps.idempotencyTtlSeconds ?? 86_400 };

  for (let race = 0; race < maxKeyRaces; race++) {
    let row;
    try {
      row = await deps.write({ file, message, ...(idempotency ? { idempotency } : {}) });
    } catch (err) {
      if (isDatabaseUnavailable(err) && deps.fileExists && (await deps.fileExists(id).catch(() => false))) {
        return { id, replayed: false };
      }
      throw err;
    }
    if (row) return { id: row.id, replayed: false };
    if (!idempotency || !deps.findIdempotencyKey) throw new Error(`file ${id} was not written`);
    const existing = await deps.findIdempotencyKey(owner, idempotency.key);
    if (existing) return { id: decideReplay(existing, idempotency.requestHash).fileId, replayed: true };
  }
  throw new AppError('conflict', 'the Idempotency-Key expired while this request ran; send it again');
}
