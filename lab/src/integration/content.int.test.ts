import { GetObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { renderFile } from '@fileflow/file-processor';
import { eventually, type TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('content')));
afterAll(() => stop());

const completedFile = async (title: string, description: string): Promise<number> => {
  const id: number = (await request(pipeline.app).post('/files').send({ title, description }).expect(202)).body.id;
  await eventually(async () => expect((await request(pipeline.app).get(`/files/${id}`)).body.status).toBe('completed'));
  return id;
};

const rawBody = (r: request.Test): request.Test =>
  r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('a completed file', () => {
  const title = 'Contenu ünïcödé 😀';
  const description = 'line one\nline two, "quoted", and שלום';
  let id: number;
  let bytes: Buffer;
  beforeAll(async () => {
    id = await completedFile(title, description);
    const object = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${id}.txt` }));
    bytes = Buffer.from(await object.Body!.transformToByteArray());
  });

  it('streams the stored object: the same bytes, its type, length and ETag', async () => {
    const res = await rawBody(request(pipeline.app).get(`/files/${id}/content`)).expect(200);
    expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
    expect((res.body as Buffer).toString('utf8')).toBe(renderFile(title, description));
    expect(res.headers['content-type']).toMatch(/^text\/plain; ?charset=utf-8$/);
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    expect(res.headers['accept-ranges']).toBe('bytes');
  });

  it('answers a Range with 206 and exactly those bytes', async () => {
    const first = await rawBody(request(pipeline.app).get(`/files/${id}/content`).set('Range', 'bytes=0-4')).expect(
      206,
    );
    expect(Buffer.compare(first.body as Buffer, bytes.subarray(0, 5))).toBe(0);
    expect(first.headers['content-range']).toBe(`bytes 0-4/${bytes.length}`);
    const tail = await rawBody(request(pipeline.app).get(`/files/${id}/content`).set('Range', 'bytes=-6')).expect(206);
    expect(Buffer.compare(tail.body as Buffer, bytes.subarray(bytes.length - 6))).toBe(0);
  });

  it('answers a range past the end with 416', async () => {
    const res = await request(pipeline.app)
      .get(`/files/${id}/content`)
      .set('Range', `bytes=${bytes.length + 10}-`);
    expect(res.status).toBe(416);
    expect(res.body.type).toBe('urn:fileflow:problem:range-not-satisfiable');
  });

  it('answers If-None-Match with its ETag with 304, and another ETag with the content', async () => {
    const { headers } = await request(pipeline.app).get(`/files/${id}/content`).expect(200);
    const notModified = await request(pipeline.app).get(`/files/${id}/content`).set('If-None-Match', headers.etag!);
    expect(notModified.status).toBe(304);
    expect(notModified.text ?? '').toBe('');
    await request(pipeline.app).get(`/files/${id}/content`).set('If-None-Match', '"other"').expect(200);
  });

  it('serves the range of If-Range only while the ETag matches, else the whole content', async () => {
    const { headers } = await request(pipeline.app).get(`/files/${id}/content`).expect(200);
    await request(pipeline.app)
      .get(`/files/${id}/content`)
      .set('Range', 'bytes=0-1')
      .set('If-Range', headers.etag!)
      .expect(206);
    const whole = await rawBody(
      request(pipeline.app).get(`/files/${id}/content`).set('Range', 'bytes=0-1').set('If-Range', '"stale"'),
    ).expect(200);
    expect(Buffer.compare(whole.body as Buffer, bytes)).toBe(0);
  });
});

it('is a 409 problem while the file is not completed, and a 404 for an unknown file', async () => {
  // A file row without its outbox message: nothing will make it, so it stays pending.
  const { id } = await env.db
    .insertInto('files')
    .values({ title: 'not yet', description: '', status: 'pending', owner: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const res = await request(pipeline.app).get(`/files/${id}/content`).expect(409);
  expect(res.body).toMatchObject({
    type: 'urn:fileflow:problem:conflict',
    detail: expect.stringMatching(/is pending/),
  });
  await request(pipeline.app).get('/files/2147483647/content').expect(404);
});
