import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdempotencyRecord } from '@fileflow/db';
import { AppError } from './app-error';

/** Longest `Idempotency-Key` accepted, in characters. */
export const maxIdempotencyKeyLength = 255;

/**
 * What an `Idempotency-Key` may be: 1 to 255 printable ASCII characters, bare or (as the IETF draft
 * has it, a Structured Field string) in double quotes, then without `"` or `\`. A bare key neither
 * starts with a quote nor starts or ends with a space (HTTP trims those). As a pattern, so that the
 * published contract says exactly which keys are valid.
 */
export const idempotencyKeyPattern =
  '^(?:"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]{1,255}"|[\\x21\\x23-\\x7e](?:[\\x20-\\x7e]{0,253}[\\x21-\\x7e])?)$';
const keyRegex = new RegExp(idempotencyKeyPattern);

/**
 * The `Idempotency-Key` header's value (the key, unquoted), or undefined when there is none; a
 * value that is not a valid key, or the header given twice, is a 400 naming the header.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const why = `give it once: 1 to ${maxIdempotencyKeyLength} printable ASCII characters, bare or in double quotes`;
  if (Array.isArray(header) || !keyRegex.test(header)) {
    throw new AppError('validation_failed', 'Idempotency-Key is not valid', {
      issues: [{ path: '(header Idempotency-Key)', message: why }],
    });
  }
  return header.startsWith('"') ? header.slice(1, -1) : header;
}

/** What identifies a request for its idempotency key: a SHA-256 of its parsed body. */
export function requestFingerprint(body: unknown): Buffer {
  return createHash('sha256').update(JSON.stringify(body)).digest();
}

/**
 * A request whose key is already taken: the same request again (answer as the first time), or
 * another request reusing the key (422, as the draft says). Pure.
 */
export function decideReplay(existing: IdempotencyRecord, fingerprint: Buffer): { fileId: number } {
  const same = existing.requestHash.length === fingerprint.length && timingSafeEqual(existing.requestHash, fingerprint);
  if (!same) {
    throw new AppError(
      'idempotency_key_reused',
      'this Idempotency-Key was used with another request: use a new key for a new request',
    );
  }
  return { fileId: existing.fileId };
}
