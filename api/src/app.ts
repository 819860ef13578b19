import express, { type Express } from 'express';
import { sql } from 'kysely';
import { healthEndpoints, type Faults, type Logger, type Topics } from '@fileflow/common';
import { AppError } from './app-error';
import { createFileIdAllocator, reserveFileIds, type Db } from '@fileflow/db';
import { createGroupedFileWriter, insertFilesOn } from './file-writer';
import { filesRouter } from './files.routes';
import { problemHandler } from './problem';
import { jsonBody } from './json-body';

export interface AppDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly now: () => Date;
  /** Fault injection (failure suite): see `createGroupedFileWriter`. */
  readonly faults?: Faults;
  /** Extra readiness problems (e.g. the status consumer is not connected). */
  readonly readiness?: () => Promise<string[]>;
}

/** The HTTP app; it never listens, so tests mount it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    healthEndpoints(async () => {
      const problems: string[] = [];
      await sql`SELECT 1`.execute(deps.db).catch((err: unknown) => problems.push(`database: ${String(err)}`));
      if (deps.readiness) problems.push(...(await deps.readiness()));
      return problems;
    }),
  );
  app.use(jsonBody());

  const fileId = createFileIdAllocator((n) => reserveFileIds(deps.db, n));
  app.use(
    '/files',
    filesRouter({ ...deps, fileId, write: createGroupedFileWriter(insertFilesOn(deps.db), deps.faults) }),
  );
  app.use((req) => {
    throw new AppError('not_found', `no route for ${req.method} ${req.path}`);
  });
  app.use(problemHandler(deps.logger));
  return app;
}
