/** S3 readiness: HeadBucket, and creating the bucket if missing (@aws-sdk/client-s3, loaded lazily). */
import type * as S3Types from '@aws-sdk/client-s3';
import type { StackInfo } from '../config';
import { errorMessage } from './wait';

type S3Module = typeof S3Types;

/* eslint-disable @typescript-eslint/no-require-imports */
const loadS3 = (): S3Module => require('@aws-sdk/client-s3') as S3Module;
/* eslint-enable @typescript-eslint/no-require-imports */

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode;
}

function s3Client(info: StackInfo): InstanceType<S3Module['S3Client']> {
  const { S3Client } = loadS3();
  return new S3Client({
    endpoint: info.s3Endpoint,
    region: info.region,
    // a copy: the SDK decorates the credentials object it is given
    credentials: { ...info.credentials },
    forcePathStyle: true,
    maxAttempts: 1,
    // without throwOnRequestTimeout the SDK only warns when the request timeout passes
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
}

/** HeadBucket; 'missing' when the server answers 404 (server up, bucket not created yet). */
export async function headBucket(info: StackInfo): Promise<'exists' | 'missing'> {
  const { HeadBucketCommand } = loadS3();
  const client = s3Client(info);
  try {
    await client.send(new HeadBucketCommand({ Bucket: info.bucket }));
    return 'exists';
  } catch (err) {
    if (httpStatusOf(err) === 404) return 'missing';
    const status = httpStatusOf(err);
    throw new Error(status ? `HeadBucket answered HTTP ${status}` : errorMessage(err));
  } finally {
    client.destroy();
  }
}

/** Creates the bucket if missing; true if created. */
export async function ensureBucket(info: StackInfo): Promise<boolean> {
  if ((await headBucket(info)) === 'exists') return false;
  const { CreateBucketCommand } = loadS3();
  const client = s3Client(info);
  try {
    await client.send(new CreateBucketCommand({ Bucket: info.bucket }));
  } finally {
    client.destroy();
  }
  if ((await headBucket(info)) !== 'exists') throw new Error(`bucket ${info.bucket} still missing after CreateBucket`);
  return true;
}
