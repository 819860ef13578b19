import { silentLogger } from '@fileflow/common';
import {
  connectUrl,
  createTestEnv,
  eventually,
  freePort,
  insertOutboxRow,
  readTopic,
  TcpProxy,
  type TestEnv,
} from '@fileflow/lab';
import pg from 'pg';
import { createConnectClient } from './connect-client';
import { connectorNamesFor } from './connector-config';
import { registerConnector } from './register-connector';
import { dropSlot } from './replication-slot';
import { createTaskSupervisor, failedParts } from './task-supervisor';

let env: TestEnv;
let proxy: TcpProxy;
const connect = createConnectClient(connectUrl);

beforeAll(async () => {
  env = await createTestEnv('supervisor');
  const url = new URL(env.databaseUrl);
  proxy = new TcpProxy(await freePort(), Number(url.port || 5432));
  await proxy.start();
});
afterAll(async () => {
  await proxy.stop();
  await env.cleanup();
});

it('restarts a Debezium task that failed for good (connections reset while it started), and it resumes', async () => {
  const names = connectorNamesFor(env.databaseName);
  const viaProxy = new URL(env.databaseUrl);
  viaProxy.port = String(proxy.listenPort);
  env.beforeCleanup(async () => {
    await connect.delete(names.name).catch(() => undefined);
    await dropSlot(env.db, names.slotName);
  });
  await registerConnector(
    { connect, db: env.db, logger: silentLogger },
    { ...names, databaseUrl: viaProxy.toString() },
  );
  const taskState = async () => (await connect.status(names.name))?.tasks[0]?.state;
  await eventually(async () => expect(await taskState()).toBe('RUNNING'), { timeoutMs: 60_000 });

  // The task restarts while every Postgres connection is reset moments after it opens:
  // Debezium fails it for good, as it did in the failure suite when a connection reset hit a
  // starting task.
  const resets = setInterval(() => proxy.resetAll(), 50);
  try {
    await fetch(`${connectUrl}/connectors/${names.name}/tasks/0/restart`, { method: 'POST' });
    await eventually(async () => expect(await taskState()).toBe('FAILED'), { timeoutMs: 60_000 });
  } finally {
    clearInterval(resets);
  }
  const supervisor = createTaskSupervisor({
    connect,
    connector: names.name,
    logger: silentLogger,
    intervalMs: 500,
    maxIntervalMs: 5_000,
  });
  await supervisor.start();
  try {
    await eventually(async () => expect(await taskState()).toBe('RUNNING'), { timeoutMs: 60_000 });
    expect(failedParts(await connect.status(names.name))).toEqual([]);
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    await insertOutboxRow(client, env, { fileId: 7, payload: { fileId: 7 } }).finally(() => client.end());
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '7'));
    expect(records.map((r) => r.key)).toContain('7');
  } finally {
    await supervisor.stop();
  }
});
