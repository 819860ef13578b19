import { deadLetterHeaders, encodeRecord, newId, type FileCreated } from '@fileflow/common';
import type { Producer } from 'kafkajs';
import { eventually, readTopic, type TestEnv } from '@fileflow/testkit';
import { createFile } from '../create-file';
import { createFileDeps, startApiTestbed, type ApiTestbed } from '../testing';
import { statusConsumerName } from './apply-status-event';

let bed: ApiTestbed;
let env: TestEnv;
let producer: Producer;

beforeAll(async () => {
  bed = await startApiTestbed('status');
  ({ env, producer } = bed);
});
afterAll(() => bed.cleanup());

const newFile = (title: string) => createFile(createFileDeps(env), { body: { title, description: '' } });

const transitions = (fileId: number) =>
  env.db
    .selectFrom('file_transitions')
    .select(['from_status', 'to_status'])
    .where('file_id', '=', fileId)
    .orderBy('id')
    .execute();

const completed = (fileId: number): FileCreated => ({
  fileId,
  title: 't',
  s3Location: `s3://${env.bucket}/files/${fileId}.txt`,
  status: 'completed',
  timestamp: new Date().toISOString(),
});

it('applies the same file.created delivered twice only once', async () => {
  const file = await newFile('twice');
  const id = newId();
  const record = encodeRecord(file.id, completed(file.id), { id, type: 'file.created' });
  await producer.send({ topic: env.topics.fileCreated, messages: [record] });
  await producer.send({ topic: env.topics.fileCreated, messages: [record] });

  await eventually(async () => {
    const inbox = await env.db.selectFrom('inbox').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();
    expect(inbox).toMatchObject({ consumer: statusConsumerName, outcome: 'applied', duplicates: 1 });
  });
  expect(await transitions(file.id)).toEqual([
    { from_status: null, to_status: 'pending' },
    { from_status: 'pending', to_status: 'completed' },
  ]);
  const row = await env.db.selectFrom('files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
  expect(row).toMatchObject({
    status: 'completed',
    s3_location: `s3://${env.bucket}/files/${file.id}.txt`,
    error: null,
  });
});

it('never moves a status backwards: a late processing after completed is recorded and ignored', async () => {
  const file = await newFile('late');
  const late = newId();
  await producer.send({
    topic: env.topics.fileCreated,
    messages: [encodeRecord(file.id, completed(file.id), { id: newId(), type: 'file.created' })],
  });
  // The two topics are consumed independently: only once completed was applied is processing late.
  await eventually(async () => {
    const row = await env.db.selectFrom('files').select('status').where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
  });
  await producer.send({
    topic: env.topics.fileProcessing,
    messages: [
      encodeRecord(
        file.id,
        { fileId: file.id, status: 'processing', timestamp: new Date().toISOString() },
        { id: late, type: 'file.processing' },
      ),
    ],
  });
  await eventually(async () => {
    const inbox = await env.db.selectFrom('inbox').selectAll().where('message_id', '=', late).executeTakeFirstOrThrow();
    expect(inbox).toMatchObject({ outcome: 'ignored', detail: 'completed is terminal; processing ignored' });
  });
  expect((await transitions(file.id)).map((t) => t.to_status)).toEqual(['pending', 'completed']);
});

it('records a failure with its error', async () => {
  const file = await newFile('fails');
  const failed: FileCreated = { ...completed(file.id), status: 'failed', error: 'upload failed: boom' };
  await producer.send({
    topic: env.topics.fileCreated,
    messages: [encodeRecord(file.id, failed, { id: newId(), type: 'file.created' })],
  });
  await eventually(async () => {
    const row = await env.db.selectFrom('files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', error: 'upload failed: boom' });
  });
});

it('sends poison records to the dead-letter topic with the reason, and keeps consuming', async () => {
  const file = await newFile('after-poison');
  const poison = [
    { key: '1', value: '{not json', headers: { id: newId(), type: 'file.created' } },
    { key: '1', value: JSON.stringify({ fileId: 'x' }), headers: { id: newId(), type: 'file.created' } },
    { key: '1', value: JSON.stringify(completed(1)), headers: { type: 'file.created' } },
    { key: '999999', value: JSON.stringify(completed(999999)), headers: { id: newId(), type: 'file.created' } },
  ];
  await producer.send({ topic: env.topics.fileCreated, messages: poison });
  await producer.send({
    topic: env.topics.fileCreated,
    messages: [encodeRecord(file.id, completed(file.id), { id: newId(), type: 'file.created' })],
  });

  const dead = await readTopic(env.kafka, `${env.topics.fileCreated}.dlq`, (rs) => rs.length >= 4);
  const reasons = dead.map((d) => d.headers[deadLetterHeaders.reason]);
  expect(reasons).toHaveLength(4);
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^value is not JSON/),
      expect.stringMatching(/^value does not match the file.created schema/),
      expect.stringMatching(/^invalid headers: id/),
      'file 999999 does not exist',
    ]),
  );
  expect(dead.every((d) => d.headers[deadLetterHeaders.originalTopic] === env.topics.fileCreated)).toBe(true);
  await eventually(async () => {
    const row = await env.db.selectFrom('files').select('status').where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
  });
});
