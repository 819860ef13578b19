import request from 'supertest';
import { createS3Client, newId, silentLogger, topicsWithSuffix } from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { freePort, stackSettings } from '@fileflow/testkit';
import { createApp } from './app';

it('answers 503 problem+json with Retry-After when PostgreSQL cannot be reached, and readiness says why', async () => {
  const db = createDb(`postgresql://user:password@127.0.0.1:${await freePort()}/nowhere`, 1);
  const s3 = createS3Client(stackSettings.s3);
  const app = createApp({ db, topics: topicsWithSuffix('x'), logger: silentLogger, newId, now: () => new Date(), s3 });
  try {
    const res = await request(app).post('/files').send({ title: 't' }).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, type: 'urn:fileflow:problem:service-unavailable' });
    await request(app).get('/files/1').expect(503);

    const ready = await request(app).get('/health/ready').expect(503);
    expect(ready.body.problems).toEqual(['database: unreachable']); // the dependency, not its error text
    const live = await request(app).get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', node: process.version }); // the Node it runs on
  } finally {
    await db.destroy();
    s3.destroy();
  }
});
