import type { S3Client } from '@aws-sdk/client-s3';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { sql } from 'kysely';
import {
  healthEndpoints,
  httpMetrics,
  metricsResponse,
  observeRequest,
  type Faults,
  type Logger,
  type Registry,
  type Topics,
} from '@fileflow/common';
import { createFileIdAllocator, reserveFileIds, type Db } from '@fileflow/db';
import { AppError } from './app-error';
import { authenticate, ownerOf, type AuthDeps } from './auth/authenticate';
import { livePage } from './live/live-page';
import { pipelineSummary } from './live/pipeline-summary';
import { docsRouter } from './docs-page';
import { createGroupedFileWriter, insertFilesOn } from './file-writer';
import { filesRouter } from './files.routes';
import { jsonBody } from './json-body';
import { buildOpenApiDocument } from './openapi';
import { methodNotAllowed, problemHandler } from './problem';
import type { FileCache } from './redis/file-cache';

export interface AppDeps {
  readonly db: Db;
  readonly topics: Topics;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly now: () => Date;
  /** Where `GET /files/:id/content` reads objects from. */
  readonly s3: S3Client;
  /** Who may ask (default: no keys, every request anonymous). */
  readonly auth?: AuthDeps;
  /** The rate limit, applied after authentication (default: none). */
  readonly rateLimit?: RequestHandler;
  /** The read-through cache of `GET /files/:id` (default: none). */
  readonly cache?: FileCache | undefined;
  /** How long an `Idempotency-Key` is remembered (default: 24 h). */
  readonly idempotencyTtlSeconds?: number;
  /** The lifetime of a file created without `expiresInSeconds` (default: kept until deleted). */
  readonly retentionSeconds?: number | undefined;
  /** Fault injection (failure suite): see `createGroupedFileWriter`. */
  readonly faults?: Faults;
  /** Extra readiness problems (e.g. the status consumer is not connected). */
  readonly readiness?: () => Promise<string[]>;
  /** Optional dependencies that are down (the API serves without them). */
  readonly degraded?: () => string[];
  /** The process's metrics, served at `GET /metrics` with every request counted (default: none). */
  readonly metrics?: Registry;
  /** Which instance this is (`INSTANCE_ID`), named in the health answers (default: none named). */
  readonly instance?: string;
  /** `GET /files/:id/events` (default: look every 250 ms, end a stream after 30 s). */
  readonly events?: { readonly pollMs: number; readonly maxMs: number };
}

/** The API's readiness: the database answers, and whatever `readiness` adds (the status consumer). */
export function apiReadiness(deps: Pick<AppDeps, 'db' | 'logger' | 'readiness'>): () => Promise<string[]> {
  return async () => {
    const problems: string[] = [];
    await sql`SELECT 1`.execute(deps.db).catch((err: unknown) => {
      deps.logger.warn('readiness: database unreachable', { err: String(err) });
      problems.push('database: unreachable');
    });
    if (deps.readiness) problems.push(...(await deps.readiness()));
    return problems;
  };
}

/** Paths answered outside the routers, named as themselves in the request metrics. */
const ownPaths = new Set(['/', '/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs']);

const noKeys: AuthDeps = { pepper: undefined, required: false, findKey: () => Promise.resolve(undefined) };

/**
 * The HTTP app; it never listens, so tests mount it with supertest. In order: security headers,
 * health and the API's own documentation (no key needed), then who is asking, the rate limit, the
 * JSON body, the routes, and problem+json for every error.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // No upgrade-insecure-requests: the API is served over plain HTTP on loopback and behind TLS
  // terminators, where upgrading the docs page's own scripts to https would break it.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  const registry = deps.metrics;
  if (registry) {
    const requests = httpMetrics(registry);
    // The route's pattern (`/files/:id`), never the path, so that label values stay few.
    app.use((req, res, next) => {
      observeRequest(requests, req, res, () => {
        const route = req.route as { path?: unknown } | undefined;
        if (!route) return ownPaths.has(req.path) ? req.path : undefined;
        const path = String(route.path);
        return `${req.baseUrl}${path === '/' ? '' : path}` || '/';
      });
      next();
    });
    app.get('/metrics', (_req, res, next) => {
      metricsResponse(registry).then(({ contentType, body }) => res.type(contentType).send(body), next);
    });
  }
  app.use(
    healthEndpoints(apiReadiness(deps), {
      ...(deps.degraded ? { degraded: deps.degraded } : {}),
      ...(deps.instance !== undefined ? { instance: deps.instance } : {}),
    }),
  );
  app.use(docsRouter(buildOpenApiDocument()));
  app.use(livePage());
  app.all(
    [...ownPaths].filter((p) => p !== '/metrics' || registry),
    methodNotAllowed('GET', 'HEAD'),
  );
  app.use(authenticate(deps.auth ?? noKeys));
  if (deps.rateLimit) app.use(deps.rateLimit);
  app.use(jsonBody());

  const fileId = createFileIdAllocator((n) => reserveFileIds(deps.db, n));
  app.use(
    '/files',
    filesRouter({
      ...deps,
      fileId,
      write: createGroupedFileWriter(insertFilesOn(deps.db), deps.faults),
      idempotencyTtlSeconds: deps.idempotencyTtlSeconds ?? 86_400,
      events: deps.events ?? { pollMs: 250, maxMs: 30_000 },
    }),
  );
  app.get('/pipeline', async (_req, res) => {
    res.json(await pipelineSummary(deps.db, ownerOf(res), deps.metrics, deps.now()));
  });
  app.all('/pipeline', methodNotAllowed('GET', 'HEAD'));
  app.use((req) => {
    throw new AppError('not_found', `no route for ${req.method} ${req.path}`);
  });
  app.use(problemHandler(deps.logger));
  return app;
}
