import { GetObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import {
  createS3Client,
  fileCreatedSchema,
  fileCreateSchema,
  fileProcessingSchema,
  messageHeadersSchema,
} from '@fileflow/common';
import { createTestEnv, eventually, readTopic, stackSettings, type TestEnv } from '@fileflow/testkit';
import { startPipeline, startPipelineEnv, type Pipeline } from '../harness';

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('e2e')));
afterAll(() => stop());

it('POST /files -> outbox -> relay -> processor -> S3 -> file.created -> completed', async () => {
  const title = 'My Document';
  const description = 'This is a test document\nwith two lines, ünïcödé and "quotes".';
  const res = await request(pipeline.app).post('/files').send({ title, description }).expect(202);
  expect(res.body).toEqual({ id: expect.any(Number), status: 'pending' });
  const fileId: number = res.body.id;

  const file = await eventually(async () => {
    const r = await request(pipeline.app).get(`/files/${fileId}`).expect(200);
    expect(r.body.status).toBe('completed');
    return r.body as { s3Location: string; status: string; error: null };
  });
  const key = `${env.keyPrefix}${fileId}.txt`;
  expect(file).toMatchObject({ id: fileId, title, description, s3Location: `s3://${env.bucket}/${key}`, error: null });

  // Forward only. `file.processing` and `file.created` travel on different topics, so
  // `processing` may be overtaken (it is then recorded and ignored): one of these two paths.
  const history = await env.db
    .selectFrom('file_transitions')
    .select('to_status')
    .where('file_id', '=', fileId)
    .orderBy('id')
    .execute();
  expect([
    ['pending', 'processing', 'completed'],
    ['pending', 'completed'],
  ]).toContainEqual(history.map((h) => h.to_status));

  // The object, read back from S3.
  const object = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
  expect(await object.Body?.transformToString('utf-8')).toBe(`${title}\n===========\n\n${description}\n`);
  expect(object.ContentType).toMatch(/^text\/plain/);

  // Every record on both topics, field by field against the design's schemas.
  const [create] = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 1);
  expect(create?.key).toBe(String(fileId));
  const createHeaders = messageHeadersSchema.parse(create?.headers);
  expect(createHeaders.type).toBe('file.create');
  const createValue = JSON.parse(create?.value ?? '') as unknown;
  expect(fileCreateSchema.parse(createValue)).toEqual({ fileId, title, description, timestamp: expect.any(String) });
  expect(Object.keys(createValue as object).sort()).toEqual(['description', 'fileId', 'timestamp', 'title']);

  const [processing] = await readTopic(env.kafka, env.topics.fileProcessing, (rs) => rs.length >= 1);
  expect(fileProcessingSchema.parse(JSON.parse(processing?.value ?? ''))).toMatchObject({
    fileId,
    status: 'processing',
  });

  const [created] = await readTopic(env.kafka, env.topics.fileCreated, (rs) => rs.length >= 1);
  expect(created?.key).toBe(String(fileId));
  const createdHeaders = messageHeadersSchema.parse(created?.headers);
  expect(createdHeaders.type).toBe('file.created');
  const createdValue = JSON.parse(created?.value ?? '') as unknown;
  expect(fileCreatedSchema.parse(createdValue)).toEqual({
    fileId,
    title,
    s3Location: `s3://${env.bucket}/${key}`,
    status: 'completed',
    timestamp: expect.any(String),
  });
  expect(Object.keys(createdValue as object).sort()).toEqual(['fileId', 's3Location', 'status', 'timestamp', 'title']);
  // One trace from the request to the outcome.
  expect(createdHeaders.traceparent?.split('-')[1]).toBe(createHeaders.traceparent?.split('-')[1]);

  // Nothing left behind, nothing dead-lettered.
  expect(await env.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
});

it('many files at once all complete, each applied once', async () => {
  const n = 50;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      (
        await request(pipeline.app)
          .post('/files')
          .send({ title: `bulk ${i}`, description: `body ${i}` })
          .expect(202)
      ).body.id,
    );
  }
  await eventually(
    async () => {
      const done = await env.db
        .selectFrom('files')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'completed')
        .execute();
      expect(done).toHaveLength(n);
    },
    { timeoutMs: 60_000 },
  );
  // All n are completed and there are n completions: each file reached `completed` exactly once.
  const completions = await env.db
    .selectFrom('file_transitions')
    .select('file_id')
    .where('file_id', 'in', ids)
    .where('to_status', '=', 'completed')
    .execute();
  expect(completions).toHaveLength(n);
  const inbox = await env.db.selectFrom('inbox').select(['type', 'outcome', 'duplicates']).execute();
  expect(inbox.filter((r) => r.type === 'file.created' && r.outcome === 'applied')).toHaveLength(n + 1);
  expect(inbox.every((r) => r.duplicates === 0)).toBe(true);
});

describe('when the upload fails', () => {
  let failing: Pipeline;
  let failingEnv: TestEnv;
  const held: Array<() => void> = [];
  let releaseAll = false;
  // Nothing listens on port 1: every upload is refused, a transient error, retried until the budget is spent.
  const unreachable = createS3Client({ ...stackSettings.s3, endpoint: 'http://127.0.0.1:1' });

  beforeAll(async () => {
    failingEnv = await createTestEnv('e2efail');
    failing = await startPipeline(failingEnv, {
      s3: unreachable,
      uploadAttempts: 3,
      retryBudget: { budgetMs: 1_500, initialDelayMs: 100, maxDelayMs: 500, factor: 2 },
      // Hold the processor between attempts until the test has seen `processing`.
      uploadSleep: () => (releaseAll ? Promise.resolve() : new Promise<void>((r) => held.push(r))),
    });
  });
  afterAll(async () => {
    releaseAll = true;
    held.splice(0).forEach((r) => r());
    await failing.stop();
    unreachable.destroy();
    await failingEnv.cleanup();
  });

  it('the user sees processing while it retries, then failed with the reason', async () => {
    const { body } = await request(failing.app).post('/files').send({ title: 'doomed' }).expect(202);
    const seen = await eventually(async () => {
      const r = await request(failing.app).get(`/files/${body.id}`).expect(200);
      expect(r.body.status).toBe('processing');
      return r.body as { s3Location: null };
    });
    expect(seen.s3Location).toBeNull();
    expect(held.length).toBeGreaterThan(0); // the processor is really between two failed attempts

    releaseAll = true;
    held.splice(0).forEach((r) => r());
    const failed = await eventually(async () => {
      const r = await request(failing.app).get(`/files/${body.id}`).expect(200);
      expect(r.body.status).toBe('failed');
      return r.body as { error: string; s3Location: string };
    });
    expect(failed.error).toMatch(
      /^the upload kept failing for \d+ s \(\d+ retry rounds, budget 2 s\): the storage could not be reached \(ECONNREFUSED\); retry the file once the storage is back$/,
    );
    expect(failed.s3Location).toBe(`s3://${failingEnv.bucket}/${failingEnv.keyPrefix}${body.id}.txt`);
  });
});
