import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError } from '@fileflow/common';
import { maxBodyBytes } from './request-schemas';

/**
 * Refuse what body-parser would otherwise change on the way in: a charset other than UTF-8
 * (JSON between systems is UTF-8, RFC 8259) and bytes that are not UTF-8 (decoded as U+FFFD,
 * so the stored text would not be what was sent).
 */
export function verifyUtf8Body(buf: Buffer, charset: string): void {
  if (charset !== 'utf-8')
    throw new AppError('unsupported_media_type', `charset must be utf-8 (got ${charset}): JSON is UTF-8`);
  if (!isUtf8(buf)) throw new AppError('undecodable_body', 'body is not valid UTF-8');
}

/** The JSON body parser of the API: any JSON value (the schemas decide), UTF-8 only, size-capped. */
export function jsonBody(): RequestHandler {
  return express.json({
    limit: maxBodyBytes,
    strict: false,
    type: 'application/json',
    verify: (_req, _res, buf, charset) => verifyUtf8Body(buf, charset),
  });
}
