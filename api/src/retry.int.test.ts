import request from 'supertest';
import {
  deterministicId,
  encodeRecord,
  newId,
  type FileCreated,
  type FileProcessing,
  type MessageHeaders,
} from '@fileflow/common';
import type { Producer } from 'kafkajs';
import { eventually, type TestEnv } from '@fileflow/testkit';
import { startApiTestbed, type ApiTestbed, type TestApi } from './testing';

let bed: ApiTestbed;
let env: TestEnv;
let api: TestApi;
let producer: Producer;

beforeAll(async () => {
  // The status consumer only: the tests play the processor's part, events of any attempt at will.
  bed = await startApiTestbed('apiretry');
  ({ env, api, producer } = bed);
});
afterAll(() => bed.cleanup());

const fileRow = (id: number) => env.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxOf = (id: number) =>
  env.db.selectFrom('outbox').selectAll().where('aggregateid', '=', String(id)).orderBy('seq').execute();

const created = (fileId: number, status: 'completed' | 'failed', attempt?: number): FileCreated => ({
  fileId,
  title: 't',
  s3Location: `s3://${env.bucket}/${env.keyPrefix}${fileId}.txt`,
  status,
  ...(status === 'failed' ? { error: 'upload failed: boom' } : {}),
  timestamp: new Date().toISOString(),
  ...(attempt === undefined ? {} : { attempt }),
});
const processing = (fileId: number, attempt?: number): FileProcessing => ({
  fileId,
  status: 'processing',
  timestamp: new Date().toISOString(),
  ...(attempt === undefined ? {} : { attempt }),
});

async function publish(topic: string, fileId: number, value: object, headers: MessageHeaders): Promise<void> {
  await producer.send({ topic, messages: [encodeRecord(fileId, value, headers)] });
}

const inboxOf = (messageId: string) =>
  eventually(() =>
    env.db.selectFrom('inbox').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow(),
  );

/** A file that failed in its first attempt, as the processor would report it. */
async function failedFile(): Promise<number> {
  const { body } = await request(api.app).post('/files').send({ title: 't', description: 'd' }).expect(202);
  const id = (body as { id: number }).id;
  await publish(env.topics.fileCreated, id, created(id, 'failed'), { id: newId(), type: 'file.created' });
  await eventually(async () => expect((await fileRow(id)).status).toBe('failed'));
  return id;
}

describe('POST /files/:id/retry', () => {
  it('starts the next attempt of a failed file: 202, the file pending again, its file.create in the outbox', async () => {
    const id = await failedFile();
    const res = await request(api.app).post(`/files/${id}/retry`).expect(202);
    expect(res.body).toEqual({ id, status: 'pending', attempt: 2 });
    expect(res.headers.location).toBe(`/files/${id}`);

    expect(await fileRow(id)).toMatchObject({ status: 'pending', attempt: 2, error: null, s3_location: null });
    const [first, second] = await outboxOf(id);
    expect(second?.payload).toEqual({
      fileId: id,
      title: 't',
      description: 'd',
      timestamp: expect.any(String),
      attempt: 2,
    });
    expect(second?.id).not.toBe(first?.id); // a new request id, so new processor message ids
    expect(second).toMatchObject({ type: 'file.create', topic: env.topics.fileCreate });

    const view = await request(api.app).get(`/files/${id}`).expect(200);
    expect(view.body).toMatchObject({ id, status: 'pending', attempt: 2, error: null, s3Location: null });
    const transitions = await env.db
      .selectFrom('file_transitions')
      .select(['from_status', 'to_status', 'attempt'])
      .where('file_id', '=', id)
      .orderBy('id')
      .execute();
    expect(transitions).toEqual([
      { from_status: null, to_status: 'pending', attempt: 1 },
      { from_status: 'pending', to_status: 'failed', attempt: 1 },
      { from_status: 'failed', to_status: 'pending', attempt: 2 },
    ]);
  });

  it('answers 409 problem+json for a file that is not failed, and changes nothing', async () => {
    const { body } = await request(api.app).post('/files').send({ title: 'busy' }).expect(202);
    const id = (body as { id: number }).id;
    const res = await request(api.app).post(`/files/${id}/retry`).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:fileflow:problem:conflict',
      status: 409,
      detail: `file ${id} cannot be retried: the file is pending; only a failed file can be retried`,
    });
    expect(await fileRow(id)).toMatchObject({ status: 'pending', attempt: 1 });
    expect(await outboxOf(id)).toHaveLength(1);

    // A retried file is pending again: a second retry is refused the same way.
    const failed = await failedFile();
    await request(api.app).post(`/files/${failed}/retry`).expect(202);
    await request(api.app).post(`/files/${failed}/retry`).expect(409);
    expect(await outboxOf(failed)).toHaveLength(2);
  });

  it('answers 404 for an unknown file, 400 for an id that is not one, 405 for another method', async () => {
    const missing = await request(api.app).post('/files/2147483000/retry').expect(404);
    expect(missing.body).toMatchObject({ type: 'urn:fileflow:problem:not-found', status: 404 });
    const bad = await request(api.app).post('/files/abc/retry').expect(400);
    expect(bad.body).toMatchObject({ type: 'urn:fileflow:problem:validation-failed', status: 400 });
    await request(api.app).post('/files/0/retry').expect(400);
    await request(api.app).get('/files/1/retry').expect(405);
  });
});

describe('attempts', () => {
  it('an event of an earlier attempt never changes the new one; the new attempt runs its course', async () => {
    const id = await failedFile();
    await request(api.app).post(`/files/${id}/retry`).expect(202);

    // Late events of attempt 1 (a redelivery, a duplicate chain of retries): forward moves for attempt 1 only.
    const lateCompleted = newId();
    const lateProcessing = newId();
    await publish(env.topics.fileCreated, id, created(id, 'completed'), { id: lateCompleted, type: 'file.created' });
    await publish(env.topics.fileProcessing, id, processing(id, 1), { id: lateProcessing, type: 'file.processing' });
    for (const messageId of [lateCompleted, lateProcessing]) {
      expect(await inboxOf(messageId)).toMatchObject({
        outcome: 'ignored',
        detail: 'attempt 1 is over (the file is on attempt 2)',
      });
    }
    expect(await fileRow(id)).toMatchObject({ status: 'pending', attempt: 2, s3_location: null });

    // Attempt 2's own events apply.
    const request2 = newId();
    await publish(env.topics.fileProcessing, id, processing(id, 2), {
      id: deterministicId(request2, 'file.processing'),
      type: 'file.processing',
    });
    await eventually(async () => expect((await fileRow(id)).status).toBe('processing'));
    await publish(env.topics.fileCreated, id, created(id, 'completed', 2), {
      id: deterministicId(request2, 'file.created'),
      type: 'file.created',
    });
    await eventually(async () =>
      expect(await fileRow(id)).toMatchObject({ status: 'completed', attempt: 2, error: null }),
    );
    // And attempt 1's failure, delivered once more, still cannot undo it.
    const lateFailed = newId();
    await publish(env.topics.fileCreated, id, created(id, 'failed', 1), { id: lateFailed, type: 'file.created' });
    expect(await inboxOf(lateFailed)).toMatchObject({ outcome: 'ignored' });
    expect(await fileRow(id)).toMatchObject({ status: 'completed', attempt: 2 });
  });
});
