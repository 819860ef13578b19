import { classifyS3Error } from './classify-s3-error';

/** An error shaped as the AWS SDK raises them: the code as `name`, the HTTP status in `$metadata`. */
const s3Error = (name: string, httpStatusCode?: number) =>
  Object.assign(new Error(name), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

const netError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyS3Error', () => {
  it.each([
    ['AccessDenied', 403],
    ['NoSuchBucket', 404],
    ['InvalidAccessKeyId', 403],
    ['SignatureDoesNotMatch', 403],
    ['InvalidBucketName', 400],
    ['NotImplemented', 501],
  ])('%s (%i) can never succeed: permanent', (name, status) => {
    expect(classifyS3Error(s3Error(name, status))).toBe('permanent');
  });

  it.each([400, 401, 403, 404, 405, 409, 411, 413, 416])('another %i is permanent', (status) => {
    expect(classifyS3Error(s3Error('SomethingElse', status))).toBe('permanent');
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is transient', (status) => {
    expect(classifyS3Error(s3Error('SomethingElse', status))).toBe('transient');
  });

  it.each([
    ['SlowDown', 503],
    ['RequestTimeout', 400],
    ['RequestTimeTooSkewed', 403],
    ['OperationAborted', 409],
    ['ExpiredToken', 400],
  ])('%s (%i) clears up: transient', (name, status) => {
    expect(classifyS3Error(s3Error(name, status))).toBe('transient');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])(
    'a network error (%s) is transient',
    (code) => {
      expect(classifyS3Error(netError(code))).toBe('transient');
    },
  );

  it('an SDK timeout or an error without status is transient', () => {
    expect(classifyS3Error(s3Error('TimeoutError'))).toBe('transient');
    expect(classifyS3Error(new Error('socket hang up'))).toBe('transient');
    expect(classifyS3Error('odd')).toBe('transient');
    expect(classifyS3Error(null)).toBe('transient');
  });

  it('reads the code from `Code` when the name is generic', () => {
    expect(classifyS3Error(Object.assign(new Error('x'), { name: 'S3ServiceException', Code: 'NoSuchBucket' }))).toBe(
      'permanent',
    );
  });
});
