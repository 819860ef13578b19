import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { formatOf, type FileDelete, type RetryPolicy } from '@fileflow/common';
import { objectKeyFor } from './render-file';
import { sendS3Request, type TryOptions, type UploadResult, type UploadTarget } from './s3-request';

/**
 * Delete a file's object, trying in place while the error is transient. S3 answers a deletion of
 * a key that does not exist as done, so a repeated deletion (a redelivery, or a file that never
 * got its object) is done too. Never throws.
 */
export async function deleteObject(
  target: UploadTarget,
  request: FileDelete,
  policy: RetryPolicy,
  opts: TryOptions = {},
): Promise<UploadResult> {
  return sendS3Request(
    () =>
      target.s3.send(
        new DeleteObjectCommand({
          Bucket: target.bucket,
          Key: objectKeyFor(target.keyPrefix, request.fileId, formatOf(request)),
        }),
      ),
    policy,
    opts,
  );
}
