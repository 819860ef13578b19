import type { S3Client } from '@aws-sdk/client-s3';
import { Router, type Request } from 'express';
import { childTraceparent, validTraceparent, type Logger, type Topics } from '@fileflow/common';
import {
  fileTransitions,
  findFileById,
  findIdempotencyKey,
  listFiles,
  type Db,
  type FileRow,
  type Owner,
} from '@fileflow/db';
import type { z } from 'zod';
import { AppError } from './app-error';
import { ownerOf } from './auth/authenticate';
import { createFile } from './create-file';
import { deleteFile } from './delete-file';
import { sendFileContent } from './file-content';
import { fileView } from './file-view';
import { streamFileEvents } from './live/file-events';
import { timelineOf } from './live/timeline';
import type { FileWriter } from './file-writer';
import { parseIdempotencyKey } from './idempotency';
import { fieldIssues, methodNotAllowed, requireJsonBody } from './problem';
import { cacheVersion, type FileCache } from './redis/file-cache';
import { retryFile } from './retry-file';
import { createFileBodySchema, fileIdParamsSchema, listFilesQuerySchema } from './request-schemas';

export interface FilesRouteDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly write: FileWriter;
  readonly fileId: () => Promise<number>;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Where `GET /files/:id/content` reads objects from. */
  readonly s3: S3Client;
  /** The read-through cache of `GET /files/:id` (none: every read goes to PostgreSQL). */
  readonly cache?: FileCache | undefined;
  /** How long an `Idempotency-Key` is remembered, in seconds. */
  readonly idempotencyTtlSeconds: number;
  /** The lifetime of a file created without `expiresInSeconds` (none: kept until deleted). */
  readonly retentionSeconds?: number | undefined;
  /** `GET /files/:id/events`: how often it looks, and how long one stream stays open. */
  readonly events: { readonly pollMs: number; readonly maxMs: number };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('validation_failed', `${what} is not valid`, { issues: fieldIssues(result.error, `(${what})`) });
  }
  return result.data;
}

/** The caller's traceparent if valid; an invalid one is ignored (a new trace starts), as W3C says. */
const incomingTraceparent = (req: Request): string | undefined => validTraceparent(req.headers.traceparent);

/**
 * `/files`: create (202, the work happens asynchronously), list, get one, read its content, retry
 * a failed one (202), delete one (202: its object is deleted asynchronously, and it ends `expired`). A request sees only its owner's files (`ownerOf`): another owner's file is
 * a 404, as if it did not exist.
 */
export function filesRouter(deps: FilesRouteDeps): Router {
  const router = Router();

  /** The owner's file `id`: from the cache when it holds it, else from PostgreSQL (then cached). */
  const ownFile = async (id: number, owner: Owner): Promise<FileRow> => {
    const cached = await deps.cache?.get(id);
    const file = cached ?? (await findFileById(deps.db, id));
    if (file && !cached) await deps.cache?.put(file);
    if (!file || file.owner !== owner) throw new AppError('not_found', `file ${id} does not exist`);
    return file;
  };

  router.post('/', requireJsonBody, async (req, res) => {
    const idempotencyKey = parseIdempotencyKey(req.headers['idempotency-key']);
    const body = parse(createFileBodySchema, req.body, 'body');
    const file = await createFile(
      {
        ...deps,
        traceparent: () => childTraceparent(incomingTraceparent(req)),
        fileExists: async (id) => (await findFileById(deps.db, id)) !== undefined,
        findIdempotencyKey: (owner, key) => findIdempotencyKey(deps.db, owner, key),
      },
      { body, owner: ownerOf(res), idempotencyKey },
    );
    if (file.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(`/files/${file.id}`).json({ id: file.id, status: 'pending' });
  });

  router.get('/', async (req, res) => {
    const query = parse(listFilesQuerySchema, req.query, 'query');
    const rows = await listFiles(deps.db, { ...query, owner: ownerOf(res) });
    const last = rows[rows.length - 1];
    if (rows.length === query.limit && last) {
      const next = new URLSearchParams({ limit: String(query.limit), before: String(last.id) });
      if (query.status) next.set('status', query.status);
      res.setHeader('Link', `</files?${next.toString()}>; rel="next"`);
    }
    res.json(rows.map(fileView));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    res.json(fileView(await ownFile(id, ownerOf(res))));
  });

  router.get('/:id/content', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    // Fresh from PostgreSQL: the object to read is the completed attempt's.
    const file = await findFileById(deps.db, id, ownerOf(res));
    if (!file) throw new AppError('not_found', `file ${id} does not exist`);
    await sendFileContent({ s3: deps.s3, logger: deps.logger }, file, req, res);
  });

  router.get('/:id/events', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    const owner = ownerOf(res);
    if (!(await findFileById(deps.db, id, owner))) throw new AppError('not_found', `file ${id} does not exist`);
    await streamFileEvents(req, res, { read: () => findFileById(deps.db, id, owner), ...deps.events });
  });

  router.get('/:id/timeline', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    if (!(await findFileById(deps.db, id, ownerOf(res)))) throw new AppError('not_found', `file ${id} does not exist`);
    res.json({ id, ...timelineOf(await fileTransitions(deps.db, id)) });
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    const file = await retryFile(
      { ...deps, traceparent: () => childTraceparent(incomingTraceparent(req)) },
      id,
      ownerOf(res),
    );
    await deps.cache?.invalidate([{ id, version: cacheVersion({ ...file, deletionRequested: false }) }]);
    res.status(202).location(`/files/${file.id}`).json({ id: file.id, status: file.status, attempt: file.attempt });
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    const file = await deleteFile(
      { ...deps, traceparent: () => childTraceparent(incomingTraceparent(req)) },
      id,
      ownerOf(res),
    );
    await deps.cache?.invalidate([{ id, version: cacheVersion({ ...file, deletionRequested: true }) }]);
    res
      .status(202)
      .location(`/files/${file.id}`)
      .json({
        id: file.id,
        status: file.status,
        deletionRequestedAt: (file.deletion_requested_at ?? deps.now()).toISOString(),
      });
  });

  router.all('/', methodNotAllowed('GET', 'HEAD', 'POST'));
  router.all('/:id', methodNotAllowed('GET', 'HEAD', 'DELETE'));
  router.all(['/:id/content', '/:id/events', '/:id/timeline'], methodNotAllowed('GET', 'HEAD'));
  router.all('/:id/retry', methodNotAllowed('POST'));

  return router;
}
