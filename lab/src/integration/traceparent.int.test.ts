import request from 'supertest';
import { messageHeadersSchema } from '@fileflow/common';
import { createFile } from '@fileflow/api';
import { createFileDeps } from '@fileflow/api/src/testing';
import { eventually, readTopic, type TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('traceparent')));
afterAll(() => stop());

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const upperCase = `00-${traceId.toUpperCase()}-00F067AA0BA902B7-01`;

const completed = (fileId: number) =>
  eventually(async () => {
    const res = await request(pipeline.app).get(`/files/${fileId}`).expect(200);
    expect(res.body).toMatchObject({ status: 'completed', error: null });
  });

async function createdHeadersOf(fileId: number) {
  const records = await readTopic(env.kafka, env.topics.fileCreated, (rs) => rs.some((r) => r.key === String(fileId)));
  return messageHeadersSchema.parse(records.find((r) => r.key === String(fileId))?.headers);
}

describe('an invalid traceparent starts a new trace and never strands a file', () => {
  it('a request with an upper-case traceparent is accepted and completes, on a new trace', async () => {
    const res = await request(pipeline.app)
      .post('/files')
      .set('traceparent', upperCase)
      .send({ title: 'upper-case trace' })
      .expect(202);
    const fileId: number = res.body.id;
    const row = await env.db
      .selectFrom('outbox')
      .select('traceparent')
      .where('aggregateid', '=', String(fileId))
      .executeTakeFirst();
    // The relay may already have published (and deleted) the row; if not, it carries a new trace.
    if (row) expect(row.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    if (row) expect(row.traceparent?.split('-')[1]).not.toBe(traceId);
    await completed(fileId);
    const outcome = (await createdHeadersOf(fileId)).traceparent;
    expect(outcome).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(outcome?.split('-')[1]).not.toBe(traceId);
  });

  it('two traceparent headers (which Node joins with ", ") are ignored the same way', async () => {
    const valid = `00-${traceId}-00f067aa0ba902b7-01`;
    const res = await request(pipeline.app)
      .post('/files')
      .set('traceparent', `${valid}, ${valid}`)
      .send({ title: 'two traces' })
      .expect(202);
    await completed(res.body.id as number);
  });

  it('a file.create record that carries an invalid traceparent is processed, not dead-lettered', async () => {
    // As an outbox row written before the API validated the header (or a dead letter replayed).
    const file = await createFile(createFileDeps(env, { traceparent: () => upperCase }), {
      body: { title: 'old row', description: 'written with an invalid traceparent' },
    });
    await completed(file.id);
    const headers = await createdHeadersOf(file.id);
    expect(headers.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });
});
