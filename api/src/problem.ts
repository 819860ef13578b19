import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '@fileflow/common';
import { AppError, type FieldIssue } from './app-error';
import { isDatabaseUnavailable } from './database-errors';

const titles: Record<AppError['code'], string> = {
  validation_failed: 'Request is not valid',
  malformed_json: 'Body is not valid JSON',
  undecodable_body: 'Body cannot be decoded',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'Body is too large',
  unauthorized: 'Authentication required',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict with the current state',
  gone: 'Gone',
  precondition_failed: 'Precondition failed',
  range_not_satisfiable: 'Range not satisfiable',
  idempotency_key_reused: 'Idempotency-Key reused with another request',
  too_many_requests: 'Too many requests',
  service_unavailable: 'Service unavailable',
};

/** Write `err` as RFC 9457 problem+json. */
export function sendProblem(res: Response, err: AppError, instance: string): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer realm="fileflow"');
  if (err.allow) res.setHeader('Allow', err.allow.join(', '));
  res
    .status(err.httpStatus)
    .type('application/problem+json')
    .json({
      type: `urn:fileflow:problem:${err.code.replace(/_/g, '-')}`,
      title: titles[err.code],
      status: err.httpStatus,
      detail: err.message,
      instance,
      ...(err.issues.length ? { errors: err.issues } : {}),
    });
}

/** Zod issues as the `errors` member of a problem; `root` names the whole input (`(body)`, `(query)`). */
export function fieldIssues(error: z.ZodError, root = '(body)'): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || root, message: i.message }));
}

interface ErrorFacts {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly status?: unknown;
  readonly message?: unknown;
}
const factsOf = (err: unknown): ErrorFacts => (typeof err === 'object' && err !== null ? err : {});

/**
 * Errors raised while reading the request: body-parser's (keyed by `type`), a body its
 * Content-Encoding does not decode (zlib's errors, untyped, as a 400), and a path segment that is
 * not valid percent-encoded UTF-8 (the router's URIError).
 */
function fromRequestReading(err: unknown, req: Request): AppError | undefined {
  const facts = factsOf(err);
  const message = typeof facts.message === 'string' ? facts.message : '';
  // By name: the router's URIError may come from another realm (e.g. under Jest).
  if (facts.name === 'URIError')
    return new AppError('validation_failed', `path ${req.originalUrl} is not valid percent-encoded UTF-8`);
  const encoding = req.headers['content-encoding'];
  if (facts.type === undefined && facts.status === 400 && encoding !== undefined && encoding !== 'identity')
    return new AppError('undecodable_body', `body does not decode as Content-Encoding ${encoding}: ${message}`);
  return fromBodyParser({ type: facts.type, message });
}

/** Errors body-parser raises, keyed by its `type`. */
function fromBodyParser(err: { type?: unknown; message: string }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', `body is not valid JSON: ${err.message}`);
    case 'entity.too.large':
      return new AppError('payload_too_large', 'body exceeds the size limit');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('unsupported_media_type', err.message || 'unsupported encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('validation_failed', err.message || 'request body could not be read');
    default:
      return undefined;
  }
}

/** Last middleware: every error leaves as problem+json; only real bugs are 500s. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const known =
      err instanceof AppError
        ? err
        : (fromRequestReading(err, req) ??
          (isDatabaseUnavailable(err)
            ? new AppError('service_unavailable', 'the database is unavailable; retry shortly', {
                retryAfterSeconds: 2,
              })
            : undefined));
    if (known) {
      if (known.code === 'service_unavailable')
        logger.warn('request failed: dependency unavailable', { err, path: req.path });
      return sendProblem(res, known, req.originalUrl);
    }
    logger.error('unhandled error', { err, method: req.method, path: req.path });
    res.status(500).type('application/problem+json').json({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: req.originalUrl,
    });
    return undefined;
  };
}

/** A handler for every method a resource does not take: 405 with the `Allow` it does take. */
export const methodNotAllowed =
  (...allow: string[]): RequestHandler =>
  (req, _res, next) => {
    next(new AppError('method_not_allowed', `${req.method} is not allowed here`, { allow }));
  };

/** Reject bodies that are not JSON before they are parsed. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    const got = req.headers['content-type'] ?? 'none';
    return next(new AppError('unsupported_media_type', `Content-Type must be application/json (got ${got})`));
  }
  return next();
};
