import { classifyS3Error, explainS3Error } from './classify-s3-error';

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

describe('explainS3Error', () => {
  it.each([
    [
      Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }),
      'the storage bucket does not exist (NoSuchBucket)',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
      'the storage could not be reached (ECONNREFUSED)',
    ],
    [
      Object.assign(new Error('Please reduce your request rate.'), {
        name: 'SlowDown',
        $metadata: { httpStatusCode: 503 },
      }),
      'the storage kept asking to slow down (SlowDown)',
    ],
    [
      Object.assign(new Error('boom at 10.0.0.7'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }),
      'the storage failed (HTTP 500)',
    ],
    [new Error('socket hang up at 10.1.2.3:9000'), 'the upload failed unexpectedly'],
    [
      new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'),
      'the storage could not be reached (ECONNREFUSED)',
    ],
  ])('says what failed in words, with the code and never the message: %s', (err, words) => {
    expect(explainS3Error(err)).toBe(words);
    expect(explainS3Error(err)).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });
});
