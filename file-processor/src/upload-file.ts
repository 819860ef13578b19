import { formatOf, putObject, type FileCreate, type RetryPolicy } from '@fileflow/common';
import { objectKeyFor } from './render-file';
import { renderDocument } from './render/render-document';
import { sendS3Request, type TryOptions, type UploadResult, type UploadTarget } from './s3-request';

export { describeError, type UploadResult, type UploadTarget } from './s3-request';

/**
 * Upload a request's file in its format (`renderDocument`: the same bytes for the same request),
 * under the key of its id and format, trying in place while the error is transient. Never throws.
 */
export async function uploadFile(
  target: UploadTarget,
  request: FileCreate,
  policy: RetryPolicy,
  opts: TryOptions = {},
): Promise<UploadResult> {
  const format = formatOf(request);
  const { body, contentType } = await renderDocument(format, request.title, request.description);
  return sendS3Request(
    () =>
      putObject(target.s3, {
        bucket: target.bucket,
        key: objectKeyFor(target.keyPrefix, request.fileId, format),
        body,
        contentType,
      }),
    policy,
    opts,
  );
}
