import { createServer } from 'node:net';
import request from 'supertest';
import { newId, silentLogger, topicsWithSuffix } from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { createApp } from './app';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

it('answers 503 problem+json with Retry-After when PostgreSQL cannot be reached, and readiness says why', async () => {
  const db = createDb(`postgresql://user:password@127.0.0.1:${await closedPort()}/nowhere`, 1);
  const app = createApp({ db, topics: topicsWithSuffix('x'), logger: silentLogger, newId, now: () => new Date() });
  try {
    const res = await request(app).post('/files').send({ title: 't' }).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, type: 'urn:fileflow:problem:service-unavailable' });
    await request(app).get('/files/1').expect(503);

    const ready = await request(app).get('/health/ready').expect(503);
    expect(ready.body.problems[0]).toMatch(/^database: /);
    const live = await request(app).get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', node: process.version }); // the Node it runs on
  } finally {
    await db.destroy();
  }
});
