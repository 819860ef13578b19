import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import type { Request, Response } from 'express';
import { activeTraceparent, fileLogFields, type Logger } from '@fileflow/common';
import type { FileRow } from '@fileflow/db';
import { AppError } from './app-error';

/** Where a completed file's object is: its `s3://bucket/key` location. */
export function parseS3Location(location: string | null): { bucket: string; key: string } | undefined {
  const m = location === null ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

/**
 * The conditions and range of a content request as S3 takes them. `If-Range` (serve the range
 * only if the object is still the one the client has) becomes `If-Match` on a ranged GET: when it
 * fails, the whole object is sent instead. A date in `If-Range` never matches (only a strong ETag
 * can), so such a request gets the whole object, which the RFC allows.
 */
export function contentRequest(req: Request): { conditions: Partial<GetObjectCommandInput>; ifRange?: string } {
  const h = req.headers;
  const conditions: Partial<GetObjectCommandInput> = {};
  if (h['if-none-match'] !== undefined) conditions.IfNoneMatch = single(h['if-none-match']);
  if (h['if-match'] !== undefined) conditions.IfMatch = single(h['if-match']);
  const since = h['if-modified-since'] && Date.parse(h['if-modified-since']);
  if (since) conditions.IfModifiedSince = new Date(since);
  const unmodified = h['if-unmodified-since'] && Date.parse(h['if-unmodified-since']);
  if (unmodified) conditions.IfUnmodifiedSince = new Date(unmodified);
  const range = h.range;
  const ifRange = single(h['if-range']);
  if (range !== undefined && (ifRange === undefined || /^"[^"]*"$/.test(ifRange))) conditions.Range = range;
  return ifRange !== undefined && conditions.Range !== undefined ? { conditions, ifRange } : { conditions };
}

const statusOf = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * Send a completed file's object: its bytes streamed from S3 with its Content-Type,
 * Content-Length, ETag and Last-Modified; `Range` (206 with Content-Range, or 416) and the
 * conditional headers (304, 412) are answered as S3 answers them. A file not completed is a 409; one
 * whose deletion was asked for, or done, a 410.
 */
export async function sendFileContent(
  deps: { s3: S3Client; logger: Logger },
  file: FileRow,
  req: Request,
  res: Response,
): Promise<void> {
  if (file.status === 'expired' || file.deletion_requested_at !== null) {
    throw new AppError(
      'gone',
      `file ${file.id} is ${file.status === 'expired' ? 'expired' : 'being deleted'}: its content is gone`,
    );
  }
  if (file.status !== 'completed') {
    throw new AppError('conflict', `file ${file.id} is ${file.status}: its content can be read once it is completed`);
  }
  const where = parseS3Location(file.s3_location);
  if (!where) throw new Error(`file ${file.id} is completed without an s3 location`);
  const { conditions, ifRange } = contentRequest(req);
  const get = (c: Partial<GetObjectCommandInput>) =>
    deps.s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key, ...c }));
  let object;
  try {
    try {
      object = await get(ifRange === undefined ? conditions : { ...conditions, IfMatch: ifRange });
    } catch (err) {
      if (ifRange === undefined || statusOf(err) !== 412) throw err;
      object = await get({ ...conditions, Range: undefined });
    }
  } catch (err) {
    const status = statusOf(err);
    if (status === 304) {
      res.status(304).end();
      return;
    }
    if (status === 412)
      throw new AppError('precondition_failed', "the file no longer matches the request's precondition");
    if (status === 416)
      throw new AppError('range_not_satisfiable', `the range ${req.headers.range ?? ''} is outside the file`);
    deps.logger.error('file content unavailable', { ...fileLogFields(file.id, activeTraceparent()), err: String(err) });
    throw new AppError('service_unavailable', "the file's content cannot be read right now; retry shortly", {
      retryAfterSeconds: 5,
    });
  }
  res.status(object.ContentRange ? 206 : 200);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', object.ContentType ?? 'application/octet-stream');
  if (object.ContentLength !== undefined) res.setHeader('Content-Length', String(object.ContentLength));
  if (object.ContentRange) res.setHeader('Content-Range', object.ContentRange);
  if (object.ETag) res.setHeader('ETag', object.ETag);
  if (object.LastModified) res.setHeader('Last-Modified', object.LastModified.toUTCString());
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Content-Disposition', `inline; filename="${file.id}${extensionOf(where.key)}"`);
  try {
    await pipeline(object.Body as Readable, res);
  } catch (err) {
    // A client that goes away mid-download ends the stream; nothing is left to answer.
    if (!res.destroyed) throw err;
  }
}

const extensionOf = (key: string): string => /\.[a-z0-9]{1,8}$/i.exec(key)?.[0] ?? '';
