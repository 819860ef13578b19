import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, newId, putObject } from '@fileflow/common';
import { classifyS3Error } from '@fileflow/file-processor';
import { stackSettings } from '@fileflow/testkit';

/**
 * `putObject` against the stack's S3 server: what it writes reads back through the SDK
 * byte for byte, whatever the key; a refusal is the SDK's error, by S3's code.
 */
const s3 = createS3Client(stackSettings.s3);
const prefix = `s3put-${newId()}/`;
afterAll(() => s3.destroy());

const read = async (key: string) => {
  const got = await s3.send(new GetObjectCommand({ Bucket: stackSettings.bucket, Key: key }));
  return { body: Buffer.from(await got.Body!.transformToByteArray()), contentType: got.ContentType };
};

it('writes the bytes and content type it is given, under keys with any characters', async () => {
  const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, ...Buffer.from(' é😀\r\n')]);
  for (const name of [
    'plain.txt',
    'with space+plus&amp=eq?q#h.txt',
    "quote'(paren)*star!.pdf",
    'ünïcödé/😀/nested.docx',
    '%41~tilde',
  ]) {
    const key = `${prefix}${name}`;
    await putObject(s3, { bucket: stackSettings.bucket, key, body: bytes, contentType: 'application/octet-stream' });
    expect(await read(key)).toEqual({ body: bytes, contentType: 'application/octet-stream' });
  }
  const text = 'line one\nligne deux é\n';
  await putObject(s3, {
    bucket: stackSettings.bucket,
    key: `${prefix}text.txt`,
    body: text,
    contentType: 'text/plain',
  });
  expect(await read(`${prefix}text.txt`)).toEqual({
    body: Buffer.from(text),
    contentType: 'text/plain',
  });
});

/** What a small put of `client` to `bucket` fails with (undefined when it succeeds). */
async function putError(client: S3Client, bucket = stackSettings.bucket): Promise<unknown> {
  return putObject(client, { bucket, key: `${prefix}x.txt`, body: 'x', contentType: 'text/plain' }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** `putError` through a client of the stack's settings with `change` applied. */
async function putErrorWith(change: Partial<typeof stackSettings.s3>): Promise<unknown> {
  const client = createS3Client({ ...stackSettings.s3, ...change });
  try {
    return await putError(client);
  } finally {
    client.destroy();
  }
}

it('a missing bucket is NoSuchBucket with its status, which no retry can fix', async () => {
  const err = await putError(s3, `missing-${newId()}`);
  expect(err).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  expect(classifyS3Error(err)).toBe('permanent');
});

it('a wrong secret is refused by S3 as a signature mismatch, which no retry can fix', async () => {
  const err = await putErrorWith({ secretAccessKey: 'not-the-secret' });
  expect(err).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
  expect(classifyS3Error(err)).toBe('permanent');
});

it('an endpoint nobody listens on fails with the network error, which a retry could fix', async () => {
  const err = await putErrorWith({ endpoint: 'http://127.0.0.1:1' });
  expect(err).toMatchObject({ code: 'ECONNREFUSED' });
  expect(classifyS3Error(err)).toBe('transient');
});
