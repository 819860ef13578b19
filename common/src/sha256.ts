import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/** The most HMAC keys kept; past it the cache starts again (a process uses two or three). */
const maxKeys = 32;
const keys = new Map<string, KeyObject>();

/**
 * The `KeyObject` of an HMAC secret, made once per secret. Node 24 checks a secret given as bytes
 * or text far more slowly than one given as a `KeyObject`: an HMAC-SHA256 of 200 bytes costs
 * 12–15 µs keyed by a Buffer and 3–4 µs keyed by a `KeyObject` here (`lab/src/bench/sign-cost.ts`;
 * on Node 20, about 2 µs either way).
 */
export function hmacKey(secret: SourceData): KeyObject {
  const bytes = bytesOf(secret);
  const id = bytes.toString('latin1');
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= maxKeys) keys.clear();
    key = createSecretKey(bytes);
    keys.set(id, key);
  }
  return key;
}

/** HMAC-SHA256 of `data` keyed by `secret` (through `hmacKey`). */
export const hmacSha256 = (secret: SourceData, data: string | Uint8Array): Buffer =>
  createHmac('sha256', hmacKey(secret)).update(data).digest();

/**
 * SHA-256, or HMAC-SHA256 when made with a secret: the hash the S3 client signs requests with
 * (its `sha256` setting, `createS3Client`). It does what the SDK's own (`@smithy/core/checksum`) does, with
 * the secret passed to `createHmac` as a `KeyObject` (`hmacKey`): SigV4 computes two HMACs per
 * request (the signature, and the signing-key cache's key), each with a secret it passes as bytes.
 */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    this.hash.update(bytesOf(data, encoding));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', hmacKey(this.secret));
  }
}

/** `data` as a Buffer over the same memory (text in `encoding`, UTF-8 by default). */
function bytesOf(data: SourceData, encoding: BufferEncoding = 'utf8'): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
