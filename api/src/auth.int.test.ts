import type { Express } from 'express';
import request from 'supertest';
import { newApiKey } from '@fileflow/common';
import { findApiKeyHash, insertApiKey, revokeApiKey } from '@fileflow/db';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import type { AuthDeps } from './auth/authenticate';
import { createTestApp } from './testing';

const pepper = 'test-pepper-'.padEnd(48, 'x');
let env: TestEnv;
let app: Express;
const keys: Record<'a' | 'b' | 'revoked', string> = { a: '', b: '', revoked: '' };

const auth = (required: boolean): AuthDeps => ({ pepper, required, findKey: (id) => findApiKeyHash(env.db, id) });

beforeAll(async () => {
  env = await createTestEnv('auth');
  for (const name of ['a', 'b', 'revoked'] as const) {
    const key = newApiKey(pepper);
    await insertApiKey(env.db, { id: key.id, name, secretHash: key.secretHash });
    keys[name] = key.token;
    if (name === 'revoked') await revokeApiKey(env.db, key.id);
  }
  app = createTestApp(env, { auth: auth(false) });
});
afterAll(() => env.cleanup());

const as = (key: string | undefined) => {
  const withKey = (r: request.Test) => (key === undefined ? r : r.set('Authorization', `Bearer ${key}`));
  return {
    get: (path: string) => withKey(request(app).get(path)),
    post: (path: string, body: object = {}) => withKey(request(app).post(path)).send(body),
  };
};

const idsIn = (res: request.Response): number[] => (res.body as { id: number }[]).map((f) => f.id);

describe('each key owns its files', () => {
  let fileOfA: number;
  beforeAll(async () => {
    fileOfA = (await as(keys.a).post('/files', { title: 'of a' }).expect(202)).body.id;
  });

  it('its owner reads and lists it', async () => {
    expect((await as(keys.a).get(`/files/${fileOfA}`).expect(200)).body.title).toBe('of a');
    expect(idsIn(await as(keys.a).get('/files').expect(200))).toContain(fileOfA);
  });

  it('another key gets 404 for it, and never sees it in a list', async () => {
    const res = await as(keys.b).get(`/files/${fileOfA}`).expect(404);
    expect(res.body.type).toBe('urn:fileflow:problem:not-found');
    await as(keys.b).get(`/files/${fileOfA}/content`).expect(404);
    await as(keys.b).post(`/files/${fileOfA}/retry`).expect(404);
    expect(idsIn(await as(keys.b).get('/files').expect(200))).not.toContain(fileOfA);
  });

  it('a request without a key is the anonymous owner: it sees neither', async () => {
    await as(undefined).get(`/files/${fileOfA}`).expect(404);
    const anon = (await as(undefined).post('/files', { title: 'anonymous' }).expect(202)).body.id;
    const listed = idsIn(await as(undefined).get('/files').expect(200));
    expect(listed).toContain(anon);
    expect(listed).not.toContain(fileOfA);
    await as(keys.a).get(`/files/${anon}`).expect(404);
  });

  it('an Idempotency-Key is per owner: two keys using the same one create two files', async () => {
    const one = await as(keys.a).post('/files', { title: 'same key' }).set('Idempotency-Key', 'shared').expect(202);
    const two = await as(keys.b).post('/files', { title: 'same key' }).set('Idempotency-Key', 'shared').expect(202);
    expect(one.body.id).not.toBe(two.body.id);
  });
});

describe('a key that is not valid is a 401, the same for every reason', () => {
  const wrongSecret = () => keys.a.slice(0, -4) + (keys.a.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  it.each([
    ['malformed', () => 'not-a-key'],
    ['unknown', () => newApiKey(pepper).token],
    ['with a wrong secret', wrongSecret],
    ['revoked', () => keys.revoked],
  ])('%s', async (_why, key) => {
    const res = await as(key()).get('/files').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('the API key is not valid');
  });

  it('so is an Authorization header of another scheme', async () => {
    await request(app).get('/files').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
  });
});

it('when keys are required, a request without one is a 401; health and the contract stay open', async () => {
  const strict = createTestApp(env, { auth: auth(true) });
  await request(strict).get('/files').expect(401);
  await request(strict).post('/files').send({ title: 'x' }).expect(401);
  await request(strict).get('/files').set('Authorization', `Bearer ${keys.a}`).expect(200);
  await request(strict).get('/health/live').expect(200);
  await request(strict).get('/openapi.json').expect(200);
});
