import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { createExpirySweep } from '@fileflow/api/src/expiry-sweep';
import {
  deterministicId,
  encodeRecord,
  newId,
  producerSettings,
  silentLogger,
  type FileCreated,
} from '@fileflow/common';
import { collectFacts, expectedContents, judge, sweepOrphans } from '@fileflow/ops';
import { eventually, type TestEnv } from '@fileflow/testkit';
import { startPipeline, startPipelineEnv, type Pipeline } from '../harness';

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

const afterStops: Array<() => Promise<void>> = [];
beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('deletion')));
afterAll(async () => {
  for (const s of afterStops) await s();
  await stop();
});

const create = async (body: object = {}): Promise<number> =>
  (
    await request(pipeline.app)
      .post('/files')
      .send({ title: 'to delete', description: 'd', ...body })
      .expect(202)
  ).body.id as number;
const statusOf = async (id: number): Promise<string> =>
  ((await request(pipeline.app).get(`/files/${id}`)).body as { status: string }).status;
const reaches = (id: number, status: string) => eventually(async () => expect(await statusOf(id)).toBe(status));
const objectExists = async (key: string): Promise<boolean> =>
  env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );
const expiredTransitions = async (id: number): Promise<number> =>
  (
    await env.db
      .selectFrom('file_transitions')
      .select('id')
      .where('file_id', '=', id)
      .where('to_status', '=', 'expired')
      .execute()
  ).length;
const deleteMessages = async (id: number): Promise<number> =>
  (
    await env.db
      .selectFrom('inbox')
      .select('message_id')
      .where('aggregateid', '=', String(id))
      .where('type', '=', 'file.deleted')
      .execute()
  ).length;

describe('DELETE /files/:id', () => {
  it("deletes a completed file's object once, however often it is asked, and the file ends expired", async () => {
    const id = await create();
    await reaches(id, 'completed');
    const key = `${env.keyPrefix}${id}.txt`;
    expect(await objectExists(key)).toBe(true);

    const first = await request(pipeline.app).delete(`/files/${id}`).expect(202);
    expect(first.body).toMatchObject({ id, deletionRequestedAt: expect.any(String) });
    await request(pipeline.app).get(`/files/${id}/content`).expect(410);
    const again = await request(pipeline.app).delete(`/files/${id}`).expect(202);
    expect(again.body.deletionRequestedAt).toBe(first.body.deletionRequestedAt);

    await reaches(id, 'expired');
    expect(await objectExists(key)).toBe(false);
    const file = (await request(pipeline.app).get(`/files/${id}`)).body;
    expect(file).toMatchObject({
      status: 'expired',
      s3Location: null,
      deletionRequestedAt: first.body.deletionRequestedAt,
    });
    await request(pipeline.app).delete(`/files/${id}`).expect(202);
    await request(pipeline.app).post(`/files/${id}/retry`).expect(409);
    const timeline = (await request(pipeline.app).get(`/files/${id}/timeline`)).body as { steps: { step: string }[] };
    expect(timeline.steps.map((s) => s.step)).toContain('expired');
    expect(await expiredTransitions(id)).toBe(1);
    expect(await deleteMessages(id)).toBe(1);
  });

  it('answers 404 for a file that does not exist', async () => {
    const res = await request(pipeline.app).delete('/files/2147483647').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('takes a file still pending: its object is made, then deleted, and the file ends expired', async () => {
    await pipeline.processor.stop();
    const id = await create();
    await request(pipeline.app).delete(`/files/${id}`).expect(202);
    expect(await statusOf(id)).toBe('pending');
    // A processor's stop is final: another one (same group) takes over, for this test and the rest.
    const processorOnly = await startPipeline(env, { relay: false, statusConsumer: false });
    afterStops.push(() => processorOnly.stop());
    await reaches(id, 'expired');
    expect(await objectExists(`${env.keyPrefix}${id}.txt`)).toBe(false);
    expect(await expiredTransitions(id)).toBe(1);
  });

  it('deletes again an object an upload wrote after the deletion (an upload reported late)', async () => {
    const id = await create();
    await reaches(id, 'completed');
    await request(pipeline.app).delete(`/files/${id}`).expect(202);
    await reaches(id, 'expired');
    // An upload from the retry topic that ended after the deletion: its object, then its report.
    const key = `${env.keyPrefix}${id}.txt`;
    await env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: 'late' }));
    const producer = env.kafka.producer(producerSettings);
    await producer.connect();
    const late: FileCreated = {
      fileId: id,
      title: 'to delete',
      s3Location: `s3://${env.bucket}/${key}`,
      status: 'completed',
      timestamp: new Date().toISOString(),
    };
    await producer.send({
      topic: env.topics.fileCreated,
      messages: [encodeRecord(id, late, { id: deterministicId(newId(), 'file.created'), type: 'file.created' })],
    });
    await producer.disconnect();
    await eventually(async () => expect(await objectExists(key)).toBe(false));
    expect(await statusOf(id)).toBe('expired');
    expect(await expiredTransitions(id)).toBe(1);
  });
});

describe('expiry', () => {
  it('deletes a file whose lifetime ended, by the sweep, through the outbox', async () => {
    const sweep = createExpirySweep({
      db: env.db,
      topics: env.topics,
      logger: silentLogger,
      newId,
      traceparent: () => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      now: () => new Date(),
      intervalMs: 100,
      batchSize: 2,
    });
    const short = await Promise.all([1, 2, 3].map(() => create({ expiresInSeconds: 1, format: 'pdf' })));
    const kept = await create({ expiresInSeconds: 3600 });
    await Promise.all([...short, kept].map((id) => reaches(id, 'completed')));
    const view = (await request(pipeline.app).get(`/files/${kept}`)).body;
    expect(Date.parse(view.expiresAt) - Date.parse(view.createdAt)).toBeGreaterThanOrEqual(3_599_000);
    await sweep.start();
    try {
      await Promise.all(short.map((id) => reaches(id, 'expired')));
    } finally {
      await sweep.stop();
    }
    for (const id of short) expect(await objectExists(`${env.keyPrefix}${id}.pdf`)).toBe(false);
    expect(await statusOf(kept)).toBe('completed');
    expect(await objectExists(`${env.keyPrefix}${kept}.txt`)).toBe(true);
  });
});

describe('bucket hygiene', () => {
  it('lists the objects no file owns, deletes them only with --apply, and the audit is clean after', async () => {
    const stray = `${env.keyPrefix}stray-${newId()}.bin`;
    await env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: stray, Body: 'x' }));
    await eventually(async () => {
      const facts = await collectFacts({ db: env.db, s3: env.s3, bucket: env.bucket, keyPrefix: env.keyPrefix });
      expect(facts.outbox.count).toBe(0);
    });
    const dry = await sweepOrphans({
      db: env.db,
      s3: env.s3,
      bucket: env.bucket,
      keyPrefix: env.keyPrefix,
      minAgeSeconds: 0,
      dryRun: true,
    });
    expect(dry.swept.map((o) => o.key)).toEqual([stray]);
    expect(await objectExists(stray)).toBe(true);
    const young = await sweepOrphans({
      db: env.db,
      s3: env.s3,
      bucket: env.bucket,
      keyPrefix: env.keyPrefix,
      minAgeSeconds: 3600,
      dryRun: false,
    });
    expect(young).toMatchObject({ orphans: [{ key: stray }], swept: [] });
    expect(await objectExists(stray)).toBe(true);
    await sweepOrphans({
      db: env.db,
      s3: env.s3,
      bucket: env.bucket,
      keyPrefix: env.keyPrefix,
      minAgeSeconds: 0,
      dryRun: false,
    });
    expect(await objectExists(stray)).toBe(false);

    const facts = await collectFacts({
      db: env.db,
      s3: env.s3,
      bucket: env.bucket,
      keyPrefix: env.keyPrefix,
      kafka: { client: env.kafka, topics: env.topics },
    });
    const expected = await expectedContents(facts);
    const report = judge(facts, { maxNonTerminalAgeMs: 60_000, maxOutboxAgeMs: 60_000 }, (f) => expected.get(f.id));
    expect(report.violations).toEqual([]);
    expect(report.summary.byStatus.expired).toBeGreaterThanOrEqual(6);
  });
});
