import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, putObject } from '@fileflow/common';
import { TcpProxy, freePort, stackSettings, timed } from '@fileflow/testkit';

let proxy: TcpProxy;
beforeEach(async () => {
  const target = new URL(stackSettings.s3.endpoint);
  proxy = new TcpProxy(await freePort(), Number(target.port || 80), target.hostname);
  await proxy.start();
});
afterEach(async () => {
  await proxy.stop();
});

const viaProxy = (requestTimeoutMs: number) =>
  createS3Client({
    ...stackSettings.s3,
    endpoint: `http://127.0.0.1:${proxy.listenPort}`,
    timeouts: { connectionTimeoutMs: 1_000, requestTimeoutMs },
  });

it('an endpoint that accepts the connection and never answers fails the call within the request timeout', async () => {
  proxy.hold();
  const s3 = viaProxy(400);
  try {
    const { ms, error } = await timed(
      s3.send(new PutObjectCommand({ Bucket: stackSettings.bucket, Key: 'timeouts/never.txt', Body: 'x' })),
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(3_000);
  } finally {
    s3.destroy();
  }
});

it("putObject keeps the client's request timeout: an endpoint that never answers fails it within that time", async () => {
  proxy.hold();
  const s3 = viaProxy(400);
  try {
    const { ms, error } = await timed(
      putObject(s3, {
        bucket: stackSettings.bucket,
        key: 'timeouts/never-put.txt',
        body: 'x',
        contentType: 'text/plain',
      }),
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(3_000);
  } finally {
    s3.destroy();
  }
});

it('a kept-alive connection that stops answering fails the next call within the request timeout, and the client recovers', async () => {
  const s3 = viaProxy(400);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: stackSettings.bucket }));
    proxy.hold();
    const { ms, error } = await timed(s3.send(new HeadBucketCommand({ Bucket: stackSettings.bucket })));
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(ms).toBeLessThan(3_000);
    proxy.release();
    await s3.send(new HeadBucketCommand({ Bucket: stackSettings.bucket }));
  } finally {
    s3.destroy();
  }
});
