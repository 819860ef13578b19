import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * An S3 client for an S3-compatible endpoint: path-style addressing, and checksums only
 * where the API requires them (some S3-compatible servers do not understand the
 * aws-chunked trailers the SDK sends by default).
 */
export function createS3Client(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1, // retries are the caller's policy (see backoff.ts), not hidden here
  });
}

/** `s3://bucket/key`, the location format of the design. */
export const s3Location = (bucket: string, key: string): string => `s3://${bucket}/${key}`;
