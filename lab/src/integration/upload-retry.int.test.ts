import request from 'supertest';
import { createS3Client } from '@fileflow/common';
import { createTestEnv, eventually, readTopic, S3FaultProxy, stackSettings, type TestEnv } from '@fileflow/testkit';
import { startPipeline, type Pipeline } from '../harness';

/** Budget of these tests: long enough for every fault they inject, short enough to see it end. */
const retryBudget = { budgetMs: 30_000, initialDelayMs: 200, maxDelayMs: 1_000, factor: 2 };

const fileRow = (env: TestEnv, id: number) =>
  env.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const transitions = async (env: TestEnv, id: number) =>
  (
    await env.db.selectFrom('file_transitions').select('to_status').where('file_id', '=', id).orderBy('id').execute()
  ).map((t) => t.to_status);

const post = async (p: Pipeline, title: string): Promise<number> =>
  ((await request(p.app).post('/files').send({ title }).expect(202)).body as { id: number }).id;

/** The partition offsets of `topic` summed: how many records it holds. */
async function recordsIn(env: TestEnv, topic: string): Promise<number> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('a transient S3 failure', () => {
  let env: TestEnv;
  let pipeline: Pipeline;
  const proxy = new S3FaultProxy(new URL(stackSettings.s3.endpoint));
  let s3: ReturnType<typeof createS3Client>;

  beforeAll(async () => {
    env = await createTestEnv('procretry', { partitions: 1 }); // one partition: every file queues behind the others
    await proxy.start();
    s3 = createS3Client({ ...stackSettings.s3, endpoint: proxy.endpoint });
    pipeline = await startPipeline(env, { s3, uploadAttempts: 2, retryBudget });
  });
  afterAll(async () => {
    await pipeline.stop();
    s3.destroy();
    await proxy.stop();
    await env.cleanup();
  });

  it('outlasting the tries in place still completes within the budget, and holds up no other file of its partition', async () => {
    const slow = await post(pipeline, 'slow');
    const key = `${env.keyPrefix}${slow}.txt`;
    proxy.failingKeys.add(key);
    // Until the tries in place gave up and the request went on to the retry topic.
    const forwarded = await readTopic(env.kafka, env.topics.fileCreateRetry, (rs) =>
      rs.some((r) => r.key === String(slow)),
    );
    const first = forwarded.find((r) => r.key === String(slow));
    expect(first?.headers).toMatchObject({ type: 'file.create', 'retry-round': '1' });
    const failedAt = Date.parse(first?.headers['retry-first-failed-at'] ?? '');

    // Files behind it on the same partition are done while it is still failing.
    const others = [await post(pipeline, 'a'), await post(pipeline, 'b'), await post(pipeline, 'c')];
    await eventually(async () => {
      for (const id of others) expect((await fileRow(env, id)).status).toBe('completed');
    });
    expect((await fileRow(env, slow)).status).toBe('processing');
    await eventually(() => expect(proxy.failures.get(key)).toBeGreaterThan(3)); // past the 2 tries in place

    proxy.failingKeys.delete(key);
    await eventually(async () => expect((await fileRow(env, slow)).status).toBe('completed'), { timeoutMs: 20_000 });
    expect(Date.now() - failedAt).toBeLessThan(retryBudget.budgetMs);
    expect(await transitions(env, slow)).toEqual(['pending', 'processing', 'completed']);
    expect((await fileRow(env, slow)).error).toBeNull();
  });

  it('with S3 unreachable for a while (connections refused) completes once it is back', async () => {
    await proxy.down();
    const id = await post(pipeline, 'while down');
    await readTopic(env.kafka, env.topics.fileCreateRetry, (rs) => rs.some((r) => r.key === String(id)));
    expect((await fileRow(env, id)).status).toBe('processing');
    await proxy.up();
    await eventually(async () => expect((await fileRow(env, id)).status).toBe('completed'), { timeoutMs: 20_000 });
    expect(await transitions(env, id)).toEqual(['pending', 'processing', 'completed']);
  });
});

describe('an S3 error no retry can fix', () => {
  let env: TestEnv;
  let pipeline: Pipeline;

  beforeAll(async () => {
    env = await createTestEnv('procperm');
    pipeline = await startPipeline(env, { bucket: 'no-such-bucket-fileflow', retryBudget });
  });
  afterAll(async () => {
    await pipeline.stop();
    await env.cleanup();
  });

  it('fails the file at once with the reason, without going to the retry topic', async () => {
    const posted = Date.now();
    const id = await post(pipeline, 'doomed');
    const failed = await eventually(async () => {
      const row = await fileRow(env, id);
      expect(row.status).toBe('failed');
      return row;
    });
    expect(Date.now() - posted).toBeLessThan(10_000);
    expect(failed.error).toMatch(
      /^the upload failed and retrying cannot help: the storage bucket does not exist \(NoSuchBucket\)$/,
    );
    expect(await recordsIn(env, env.topics.fileCreateRetry)).toBe(0);
  });
});

describe('an S3 failure longer than the budget', () => {
  let env: TestEnv;
  let pipeline: Pipeline;
  const proxy = new S3FaultProxy(new URL(stackSettings.s3.endpoint));
  let s3: ReturnType<typeof createS3Client>;

  beforeAll(async () => {
    env = await createTestEnv('procbudget');
    await proxy.start();
    s3 = createS3Client({ ...stackSettings.s3, endpoint: proxy.endpoint });
    pipeline = await startPipeline(env, {
      s3,
      uploadAttempts: 2,
      retryBudget: { budgetMs: 1_500, initialDelayMs: 100, maxDelayMs: 400, factor: 2 },
    });
  });
  afterAll(async () => {
    await pipeline.stop();
    s3.destroy();
    await proxy.stop();
    await env.cleanup();
  });

  it('fails the file with the reason; retried through POST /files/:id/retry it completes as attempt 2', async () => {
    await proxy.down();
    const id = await post(pipeline, 'outlasts the budget');
    const failed = await eventually(async () => {
      const row = await fileRow(env, id);
      expect(row.status).toBe('failed');
      return row;
    });
    expect(failed.error).toMatch(
      /^the upload kept failing for \d+ s \(\d+ retry rounds, budget 2 s\): .+; retry the file once the storage is back$/,
    );

    await proxy.up();
    const retried = await request(pipeline.app).post(`/files/${id}/retry`).expect(202);
    expect(retried.body).toEqual({ id, status: 'pending', attempt: 2 });
    const done = await eventually(async () => {
      const r = await request(pipeline.app).get(`/files/${id}`).expect(200);
      expect(r.body).toMatchObject({ status: 'completed', attempt: 2, error: null });
      return r.body as { s3Location: string };
    });
    expect(done.s3Location).toBe(`s3://${env.bucket}/${env.keyPrefix}${id}.txt`);
    expect(await transitions(env, id)).toEqual([
      'pending',
      'processing',
      'failed',
      'pending',
      'processing',
      'completed',
    ]);
  });
});
