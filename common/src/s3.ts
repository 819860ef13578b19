import { S3Client } from '@aws-sdk/client-s3';
import { S3_TIMEOUT_DEFAULTS } from './config';
import { Sha256 } from './sha256';

export interface S3Settings {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Defaults: S3_TIMEOUT_DEFAULTS. */
  readonly timeouts?: Partial<S3Timeouts>;
}

export interface S3Timeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * An S3 client for an S3-compatible endpoint: path-style addressing, and checksums only
 * where the API requires them (some S3-compatible servers do not understand the
 * aws-chunked trailers the SDK sends by default). Every call is bounded: the SDK's Node
 * handler (@smithy/node-http-handler) gives up on connecting after `connectionTimeoutMs`, on a
 * response whose headers have not come after `requestTimeoutMs` (it only warns unless told to
 * throw), and on a socket silent that long while a body streams.
 */
export function createS3Client(s: S3Settings): S3Client {
  const t = { ...S3_TIMEOUT_DEFAULTS, ...s.timeouts };
  return new S3Client({
    requestHandler: {
      connectionTimeout: t.connectionTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: t.requestTimeoutMs,
    },
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1, // retries are the caller's policy (see backoff.ts), not hidden here
    sha256: Sha256, // SigV4's hashes, with its HMAC secrets as KeyObjects (see sha256.ts)
  });
}

/** `s3://bucket/key`, the location format of the design. */
export const s3Location = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

/** S3 settings from the design's environment variables (already validated by `s3EnvSchema`). */
export function s3SettingsFromEnv(env: {
  AWS_ENDPOINT: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  S3_CONNECTION_TIMEOUT_MS?: number;
  S3_REQUEST_TIMEOUT_MS?: number;
}): S3Settings {
  return {
    endpoint: env.AWS_ENDPOINT,
    region: env.AWS_REGION,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    timeouts: {
      connectionTimeoutMs: env.S3_CONNECTION_TIMEOUT_MS ?? S3_TIMEOUT_DEFAULTS.connectionTimeoutMs,
      requestTimeoutMs: env.S3_REQUEST_TIMEOUT_MS ?? S3_TIMEOUT_DEFAULTS.requestTimeoutMs,
    },
  };
}
