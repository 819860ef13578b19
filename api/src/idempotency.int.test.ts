import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { createTestApp } from './testing';

let env: TestEnv;
let app: Express;

beforeAll(async () => {
  env = await createTestEnv('idempotency');
  app = createTestApp(env);
});
afterAll(() => env.cleanup());

const post = (key: string | undefined, body: object) => {
  const r = request(app).post('/files');
  if (key !== undefined) void r.set('Idempotency-Key', key);
  return r.send(body);
};
const filesTitled = async (title: string) =>
  (await env.db.selectFrom('files').select('id').where('title', '=', title).execute()).map((r) => r.id);
const outboxOf = async (ids: number[]) =>
  ids.length === 0
    ? []
    : env.db
        .selectFrom('outbox')
        .select('aggregateid')
        .where(
          'aggregateid',
          'in',
          ids.map((id) => String(id)),
        )
        .execute();

it('a retry with the same key and body answers the original 202, with the same id, and creates nothing', async () => {
  const first = await post('retry-1', { title: 'once', description: 'd' }).expect(202);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const again = await post('retry-1', { title: 'once', description: 'd' }).expect(202);
  expect(again.body).toEqual(first.body);
  expect(again.headers.location).toBe(first.headers.location);
  expect(again.headers['idempotent-replayed']).toBe('true');
  const ids = await filesTitled('once');
  expect(ids).toEqual([first.body.id]);
  expect(await outboxOf(ids)).toHaveLength(1);
});

it('the same key with another body is a 422 problem and writes nothing', async () => {
  await post('reused', { title: 'first use' }).expect(202);
  const res = await post('reused', { title: 'second use' }).expect(422);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.type).toBe('urn:fileflow:problem:idempotency-key-reused');
  expect(await filesTitled('second use')).toEqual([]);
});

it('20 concurrent POSTs with one key create exactly one file, and all answer its id', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => post('burst', { title: 'concurrent' })));
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
  const ids = await filesTitled('concurrent');
  expect(ids).toHaveLength(1);
  expect(new Set(answers.map((a) => (a.body as { id: number }).id))).toEqual(new Set(ids));
  expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
  expect(await outboxOf(ids)).toHaveLength(1);
});

it('a key and its request are remembered in the same transaction as the file', async () => {
  const res = await post('stored', { title: 'stored key' }).expect(202);
  const row = await env.db
    .selectFrom('idempotency_keys')
    .select(['file_id', 'owner', sql<number>`extract(epoch from expires_at - created_at)`.as('ttl')])
    .where('key', '=', 'stored')
    .executeTakeFirstOrThrow();
  expect({ ...row, ttl: Number(row.ttl) }).toEqual({ file_id: res.body.id, owner: '', ttl: 86_400 });
});

it('once a key has expired, it creates a new file', async () => {
  const first = await post('expiring', { title: 'expiring' }).expect(202);
  await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'expiring'`.execute(
    env.db,
  );
  const second = await post('expiring', { title: 'expiring' }).expect(202);
  expect(second.body.id).not.toBe(first.body.id);
  expect(second.headers['idempotent-replayed']).toBeUndefined();
  expect(await filesTitled('expiring')).toHaveLength(2);
});

it('without a key, every POST creates a file; a malformed key is a 400 naming the header', async () => {
  await post(undefined, { title: 'keyless' }).expect(202);
  await post(undefined, { title: 'keyless' }).expect(202);
  expect(await filesTitled('keyless')).toHaveLength(2);
  const res = await post('"unterminated', { title: 'bad key' }).expect(400);
  expect(res.body.errors[0].path).toBe('(header Idempotency-Key)');
  expect(await filesTitled('bad key')).toEqual([]);
});
