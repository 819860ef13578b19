import { errorOf, escapeSegment } from './s3-put';

describe('escapeSegment', () => {
  it('keeps RFC 3986 unreserved characters and percent-encodes every other byte of the UTF-8 text', () => {
    expect(escapeSegment('a-b_c.d~1')).toBe('a-b_c.d~1');
    expect(escapeSegment("it's (a) *test*! +=&?#%")).toBe('it%27s%20%28a%29%20%2Atest%2A%21%20%2B%3D%26%3F%23%25');
    expect(escapeSegment('é😀')).toBe('%C3%A9%F0%9F%98%80');
  });
});

describe('errorOf', () => {
  it("names the error by S3's <Code>, keeps its message, status, request id and fault", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>';
    const err = errorOf(404, {}, xml);
    expect(err).toMatchObject({
      name: 'NoSuchBucket',
      message: 'The specified bucket does not exist',
      $fault: 'client',
      $metadata: { httpStatusCode: 404, requestId: '4442587FB7D0A2F9' },
    });
  });

  it('prefers the x-amz-request-id header, and a 5xx is a server fault', () => {
    const err = errorOf(503, { 'x-amz-request-id': 'H1' }, '<Error><Code>SlowDown</Code></Error>');
    expect(err).toMatchObject({
      name: 'SlowDown',
      message: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503, requestId: 'H1' },
    });
  });

  it('an answer without an error document is NotFound for 404 and UnknownError otherwise, with its status', () => {
    expect(errorOf(404, {}, '')).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(errorOf(502, {}, '<html>bad gateway</html>')).toMatchObject({
      name: 'UnknownError',
      $fault: 'server',
      $metadata: { httpStatusCode: 502 },
    });
  });
});
