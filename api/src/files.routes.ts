import { Router, type Request } from 'express';
import { childTraceparent, validTraceparent, type Topics } from '@fileflow/common';
import { AppError } from './app-error';
import { findFileById, listFiles, type Db } from '@fileflow/db';
import { createFile } from './create-file';
import { fileView } from './file-view';
import { retryFile } from './retry-file';
import type { FileWriter } from './file-writer';
import { fieldIssues, requireJsonBody } from './problem';
import { createFileBodySchema, fileIdParamsSchema, listFilesQuerySchema } from './request-schemas';
import type { z } from 'zod';

export interface FilesRouteDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly write: FileWriter;
  readonly fileId: () => Promise<number>;
  readonly newId: () => string;
  readonly now: () => Date;
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

/** `/files`: create (202, the work happens asynchronously), list, get one, retry a failed one (202). */
export function filesRouter(deps: FilesRouteDeps): Router {
  const router = Router();

  router.post('/', requireJsonBody, async (req, res) => {
    const body = parse(createFileBodySchema, req.body, 'body');
    const file = await createFile({ ...deps, traceparent: () => childTraceparent(incomingTraceparent(req)) }, body);
    res.status(202).location(`/files/${file.id}`).json({ id: file.id, status: file.status });
  });

  router.get('/', async (req, res) => {
    const query = parse(listFilesQuerySchema, req.query, 'query');
    const rows = await listFiles(deps.db, query);
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
    const file = await findFileById(deps.db, id);
    if (!file) throw new AppError('not_found', `file ${id} does not exist`);
    res.json(fileView(file));
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = parse(fileIdParamsSchema, req.params, 'path');
    const file = await retryFile({ ...deps, traceparent: () => childTraceparent(incomingTraceparent(req)) }, id);
    res.status(202).location(`/files/${file.id}`).json({ id: file.id, status: file.status, attempt: file.attempt });
  });

  router.all(['/', '/:id', '/:id/retry'], (req) => {
    throw new AppError('method_not_allowed', `${req.method} is not allowed here`);
  });

  return router;
}
