import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { sql } from 'kysely';
import { deadLetterTopic } from '@fileflow/common';
import { eventually, stackSettings, type TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('audit')));
afterAll(() => stop());

/** Run the real `npm run audit` entry point against this test's database and prefix. */
async function audit(): Promise<{ code: number; out: string }> {
  const env_ = {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    S3_KEY_PREFIX: env.keyPrefix,
    TOPIC_SUFFIX: env.id,
    KAFKA_BROKERS: stackSettings.kafkaBrokers.join(','),
    AWS_ENDPOINT: stackSettings.s3.endpoint,
  };
  try {
    const { stdout } = await run('npx', ['tsx', 'ops/src/audit/cli.ts', '--json'], { cwd: root, env: env_ });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (e.code !== 1) throw new Error(`audit failed to run (exit ${e.code}): ${e.stderr}`);
    return { code: e.code, out: e.stdout };
  }
}

it('passes a healthy run, then catches a deleted object, a corrupted object and a status rolled back', async () => {
  const ids: number[] = [];
  for (const title of ['deleted', 'corrupted', 'rolled-back', 'untouched']) {
    ids.push((await request(pipeline.app).post('/files').send({ title, description: title }).expect(202)).body.id);
  }
  await eventually(async () => {
    const done = await env.db.selectFrom('files').select('id').where('status', '=', 'completed').execute();
    expect(done).toHaveLength(4);
  });

  const healthy = await audit();
  expect(healthy.code).toBe(0);
  expect(JSON.parse(healthy.out)).toMatchObject({ violations: [], summary: { files: 4, objects: 4 } });

  const [deleted, corrupted, rolledBack] = ids as [number, number, number];
  await env.s3.send(new DeleteObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${deleted}.txt` }));
  await env.s3.send(
    new PutObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${corrupted}.txt`, Body: 'tampered' }),
  );
  await sql`UPDATE files SET status = 'processing' WHERE id = ${rolledBack}`.execute(env.db);

  const broken = await audit();
  expect(broken.code).toBe(1);
  const { violations } = JSON.parse(broken.out) as { violations: Array<{ kind: string; fileId?: number }> };
  expect(violations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'object-missing', fileId: deleted }),
      expect.objectContaining({ kind: 'object-content-mismatch', fileId: corrupted }),
      expect.objectContaining({ kind: 'status-regression', fileId: rolledBack }),
    ]),
  );
  expect(violations).toHaveLength(3);
});

it("reports a pending file whose request sits in file.create's dead-letter topic", async () => {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO files (title, description, status) VALUES ('stranded', '', 'pending') RETURNING id`.execute(env.db);
  const id = rows[0]!.id;
  const producer = env.kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: deadLetterTopic(env.topics.fileCreate),
      messages: [{ key: String(id), value: JSON.stringify({ fileId: id }), headers: { 'dlq-reason': 'planted' } }],
    });
  } finally {
    await producer.disconnect();
  }
  const { code, out } = await audit();
  expect(code).toBe(1);
  const report = JSON.parse(out) as { violations: Array<{ kind: string; fileId?: number; detail: string }> };
  expect(report.violations).toContainEqual({
    kind: 'request-dead-lettered',
    fileId: id,
    detail: `pending, and its ${env.topics.fileCreate} record is in ${env.topics.fileCreate}.dlq (npm run dlq:replay): planted`,
  });
});
