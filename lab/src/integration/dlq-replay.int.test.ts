import { encodeRecord, newId, silentLogger, type FileCreated } from '@fileflow/common';
import { sql } from 'kysely';
import { replayDeadLetters } from '@fileflow/ops';
import { createTestEnv, eventually, readTopic, type TestEnv } from '@fileflow/testkit';
import { startPipeline, type Pipeline } from '../harness';

let env: TestEnv;
let pipeline: Pipeline;

beforeAll(async () => {
  env = await createTestEnv('dlqreplay');
  pipeline = await startPipeline(env, { relay: false, processor: false });
});
afterAll(async () => {
  await pipeline.stop();
  await env.cleanup();
});

it('a dead letter replayed after its cause is fixed is applied, once, and a second replay sends nothing', async () => {
  const fileId = 4242;
  const messageId = newId();
  const event: FileCreated = {
    fileId,
    title: 'late row',
    s3Location: `s3://${env.bucket}/files/${fileId}.txt`,
    status: 'completed',
    timestamp: new Date().toISOString(),
  };
  const producer = env.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: env.topics.fileCreated,
    messages: [encodeRecord(fileId, event, { id: messageId, type: 'file.created' })],
  });
  await producer.disconnect();

  const [dead] = await readTopic(env.kafka, `${env.topics.fileCreated}.dlq`, (rs) => rs.length >= 1);
  expect(dead?.headers['dlq-reason']).toBe(`file ${fileId} does not exist`);

  // Fix the cause: the file now exists (pending).
  await sql`INSERT INTO files (id, title, description, status) VALUES (${fileId}, 'late row', '', 'pending')`.execute(
    env.db,
  );

  const dry = await replayDeadLetters(env.kafka, env.topics.fileCreated, { dryRun: true, logger: silentLogger });
  expect(dry).toEqual({ replayed: 1, byReason: { [`file ${fileId} does not exist`]: 1 } });

  const result = await replayDeadLetters(env.kafka, env.topics.fileCreated, { logger: silentLogger });
  expect(result.replayed).toBe(1);
  await eventually(async () => {
    const row = await env.db.selectFrom('files').select('status').where('id', '=', fileId).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
  });
  const inbox = await env.db
    .selectFrom('inbox')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  expect(inbox).toMatchObject({ outcome: 'applied', duplicates: 0 });

  expect(await replayDeadLetters(env.kafka, env.topics.fileCreated, { logger: silentLogger })).toEqual({
    replayed: 0,
    byReason: {},
  });
});
