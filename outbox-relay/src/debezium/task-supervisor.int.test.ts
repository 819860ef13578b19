import { silentLogger } from '@fileflow/common';
import {
  createTestEnv,
  eventually,
  freePort,
  insertOutboxRow,
  readTopic,
  stackSettings,
  TcpProxy,
  type TestEnv,
} from '@fileflow/testkit';
import pg from 'pg';
import { createConnectClient } from './connect-client';
import { connectorNamesFor } from './connector-config';
import { registerConnector } from './register-connector';
import { dropSlot, slotHealth } from './replication-slot';
import { createTaskSupervisor, failedParts, type StallWatch } from './task-supervisor';

let env: TestEnv;
let proxy: TcpProxy;
const connect = createConnectClient(stackSettings.connectUrl);

/** A supervisor of `connector` checking every 500 ms (backing off to 5 s), optionally watching for stalls. */
const superviseQuickly = (connector: string, stall?: StallWatch) =>
  createTaskSupervisor({ connect, connector, logger: silentLogger, intervalMs: 500, maxIntervalMs: 5_000, stall });

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
    await fetch(`${stackSettings.connectUrl}/connectors/${names.name}/tasks/0/restart`, { method: 'POST' });
    await eventually(async () => expect(await taskState()).toBe('FAILED'), { timeoutMs: 60_000 });
  } finally {
    clearInterval(resets);
  }
  const supervisor = superviseQuickly(names.name);
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

it('restarts a connector that is RUNNING but whose slot confirms nothing (its database traffic held), and it resumes: the event written meanwhile arrives once', async () => {
  const stallEnv = await createTestEnv('supervisorstall');
  const held = new TcpProxy(await freePort(), Number(new URL(stallEnv.databaseUrl).port || 5432));
  await held.start();
  const names = connectorNamesFor(stallEnv.databaseName);
  const viaProxy = new URL(stallEnv.databaseUrl);
  viaProxy.port = String(held.listenPort);
  // Heartbeats every second move the slot while idle, so a stall shows within seconds.
  const settings = { ...names, databaseUrl: viaProxy.toString(), heartbeatIntervalMs: 1_000 };
  const register = () => registerConnector({ connect, db: stallEnv.db, logger: silentLogger }, settings);
  stallEnv.beforeCleanup(async () => {
    held.release();
    await connect.delete(names.name).catch(() => undefined);
    await dropSlot(stallEnv.db, names.slotName);
    await held.stop();
  });
  try {
    await register();
    const position = async () => (await slotHealth(stallEnv.db, names.slotName))?.confirmedLsn ?? undefined;
    const before = await position();
    await eventually(async () => expect(await position()).not.toBe(before), { timeoutMs: 30_000 });

    const remedies: string[] = [];
    const supervisor = superviseQuickly(names.name, {
      position,
      stallMs: 6_000,
      recreate: async () => {
        await connect.delete(names.name);
        await register();
      },
      onRemedy: (remedy) => remedies.push(remedy),
    });
    await supervisor.start();
    try {
      held.hold();
      await eventually(() => expect(remedies).toContain('restart'), { timeoutMs: 60_000 });
      const client = new pg.Client({ connectionString: stallEnv.databaseUrl });
      await client.connect();
      try {
        await insertOutboxRow(client, stallEnv, { fileId: 11, payload: { fileId: 11 } });
        held.release();
        // An event written after the recovery comes after any re-send of the one written during it.
        await eventually(() => expect(supervisor.stalledMs()).toBeLessThan(6_000), { timeoutMs: 60_000 });
        await insertOutboxRow(client, stallEnv, { fileId: 12, payload: { fileId: 12 } });
      } finally {
        await client.end();
      }
      const records = await readTopic(stallEnv.kafka, stallEnv.topics.fileCreate, (rs) =>
        ['11', '12'].every((k) => rs.some((r) => r.key === k)),
      );
      expect(records.filter((r) => r.key === '11')).toHaveLength(1);
    } finally {
      await supervisor.stop();
    }
  } finally {
    await stallEnv.cleanup();
  }
});
