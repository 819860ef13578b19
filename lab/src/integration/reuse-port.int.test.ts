/**
 * Two API processes behind one address with HTTP_REUSE_PORT (Linux SO_REUSEPORT, no proxy): both
 * become ready, each says which instance it is on its own admin port, connections to the shared
 * port reach both, and when one stops the other serves the port alone.
 */
import { request } from 'node:http';
import { resolve } from 'node:path';
import { createTestEnv, eventually, freePort, type TestEnv } from '@fileflow/testkit';
import { ServiceProcess } from '../chaos/service-process';
import { worldServiceEnv } from '../chaos/world';

let env: TestEnv;
let shared: number;
const apis: ServiceProcess[] = [];
const adminPorts: number[] = [];

/** GET on a fresh connection (no keep-alive), so that the kernel picks an instance for each. */
function getFresh(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', fail);
    req.end();
  });
}

/** The instances that answered `tries` fresh connections to the shared port. */
async function answering(tries: number): Promise<Set<unknown>> {
  const seen = new Set<unknown>();
  for (let i = 0; i < tries; i += 1) seen.add((await getFresh(shared, '/health/live')).body.instance);
  return seen;
}

beforeAll(async () => {
  env = await createTestEnv('reuseport');
  shared = await freePort();
  for (const n of [1, 2]) {
    adminPorts.push(await freePort());
    const logDir = resolve(__dirname, '../../../.stack/logs/reuse-port', `${env.id}-api-${n}`);
    apis.push(
      new ServiceProcess(
        'api',
        {
          ...worldServiceEnv(env, 'polling', 'api', n),
          HTTP_REUSE_PORT: 'true',
          INSTANCE_ID: `api-${n}`,
          ADMIN_PORT: String(adminPorts[n - 1]),
        },
        logDir,
        shared,
      ),
    );
  }
  // one after the other: the second binds the port the first already holds
  for (const api of apis) await api.start();
});

afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await env?.cleanup();
});

it('both instances are ready, each on its own admin port, and say which they are', async () => {
  for (const [i, admin] of adminPorts.entries()) {
    await eventually(async () => {
      const ready = await getFresh(admin, '/health/ready');
      expect(ready).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok', instance: `api-${i + 1}` }) });
    });
  }
});

it('connections to the shared port reach both instances, which both serve the API', async () => {
  await eventually(async () => expect(await answering(20)).toEqual(new Set(['api-1', 'api-2'])), {
    timeoutMs: 30_000,
  });
  for (let i = 0; i < 10; i += 1) {
    const res = await fetch(`http://127.0.0.1:${shared}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ title: `reuse-port ${i}` }),
    });
    expect(res.status).toBe(202);
  }
  const rows = await env.db.selectFrom('files').select('id').where('title', 'like', 'reuse-port %').execute();
  expect(rows).toHaveLength(10);
});

it('once one instance stops, the other serves the shared port alone', async () => {
  await apis[0]?.stop();
  expect(await answering(10)).toEqual(new Set(['api-2']));
});
