import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError } from './app-error';
import { repeatedTopLevelName } from './duplicate-names';
import { maxBodyBytes } from './request-schemas';

/**
 * Refuse what body-parser would otherwise change on the way in: a charset other than UTF-8
 * (JSON between systems is UTF-8, RFC 8259), bytes that are not UTF-8 (decoded as U+FFFD, so
 * the stored text would not be what was sent) and a field given twice (JSON.parse keeps the
 * last one and drops the other without a word).
 */
export function verifyJsonBody(buf: Buffer, charset: string): void {
  if (charset !== 'utf-8')
    throw new AppError('unsupported_media_type', `charset must be utf-8 (got ${charset}): JSON is UTF-8`);
  if (!isUtf8(buf)) throw new AppError('undecodable_body', 'body is not valid UTF-8');
  const repeated = repeatedTopLevelName(buf.toString('utf8'));
  if (repeated !== undefined)
    throw new AppError('validation_failed', 'body is not valid', {
      issues: [{ path: repeated || '(body)', message: `field ${JSON.stringify(repeated)} is given more than once` }],
    });
}

/** The JSON body parser of the API: any JSON value (the schemas decide), UTF-8 only, size-capped. */
export function jsonBody(): RequestHandler {
  return express.json({
    limit: maxBodyBytes,
    strict: false,
    type: 'application/json',
    verify: (_req, _res, buf, charset) => verifyJsonBody(buf, charset),
  });
}
