import type { Producer } from 'kafkajs';
import { sql } from 'kysely';
import pg from 'pg';
import { producerSettings, silentLogger } from '@fileflow/common';
import { outboxBacklog, type Db } from '@fileflow/db';
import {
  createTestEnv,
  eventually,
  insertOutboxRow,
  readTopic,
  writeConcurrently,
  type ReadRecord,
  type TestEnv,
} from '@fileflow/testkit';
import { createOutboxListener } from './outbox-listener';
import { createRelay, type Relay } from './relay';
import { openRelayDb } from './relay-db';

/*
 * Several polling relays on one outbox, each as a relay process has it: its own pool, producer
 * and LISTEN connection.
 */

interface RunningRelay {
  readonly relay: Relay;
  readonly db: Db;
  stop(): Promise<void>;
}

let env: TestEnv;
const running: RunningRelay[] = [];

beforeEach(async () => {
  env = await createTestEnv('relays');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await env.cleanup();
});

/** A relay with `send` in place of the producer's `sendBatch` (default: the producer's own). */
async function startRelay(
  o: { send?: (real: Producer['sendBatch']) => Producer['sendBatch']; idleInTransactionTimeoutMs?: number } = {},
): Promise<RunningRelay> {
  const producer = env.kafka.producer(producerSettings);
  await producer.connect();
  const real = producer.sendBatch.bind(producer);
  const db = openRelayDb(env.databaseUrl, 3, {
    ...(o.idleInTransactionTimeoutMs !== undefined ? { idleInTransactionTimeoutMs: o.idleInTransactionTimeoutMs } : {}),
  });
  const relay = createRelay({
    db,
    producer: { ...producer, sendBatch: o.send ? o.send(real) : real },
    logger: silentLogger,
    batchSize: 50,
    pollIntervalMs: 500,
    lingerMs: 8,
    errorBackoff: { attempts: Infinity, initialDelayMs: 50, maxDelayMs: 500, factor: 2 },
  });
  const listener = createOutboxListener(env.databaseUrl, () => relay.notify(), silentLogger);
  await listener.start();
  await relay.start();
  const r: RunningRelay = {
    relay,
    db,
    async stop() {
      await relay.stop();
      await listener.stop();
      await producer.disconnect();
      await db.destroy();
    },
  };
  running.push(r);
  return r;
}

/** A `sendBatch` that tells when it is called and then waits for `open()`; `fail` makes it reject instead of sending. */
function gate(o: { fail?: boolean } = {}) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  let entered!: () => void;
  const reached = new Promise<void>((r) => (entered = r));
  const wrap =
    (real: Producer['sendBatch']): Producer['sendBatch'] =>
    async (batch) => {
      entered();
      await opened;
      if (o.fail) throw new Error('this relay hung and was given up on');
      return real(batch);
    };
  return { wrap, open, reached };
}

const seqNos = (records: readonly ReadRecord[]) => {
  const byFile = new Map<string, number[]>();
  for (const r of records) {
    const { seqNo } = JSON.parse(r.value ?? '{}') as { seqNo: number };
    byFile.set(r.key ?? '', [...(byFile.get(r.key ?? '') ?? []), seqNo]);
  }
  return byFile;
};

const outboxCount = async () => (await outboxBacklog(env.db)).count;

it('three relays share a backlog of concurrent writers: every row once, each file in order', async () => {
  const relays = await Promise.all([startRelay(), startRelay(), startRelay()]);
  const written = await writeConcurrently(env, { writers: 6, filesPerWriter: 30, eventsPerFile: 3, firstFileId: 1 });
  const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= written);
  await eventually(async () => expect(await outboxCount()).toBe(0));

  expect(records).toHaveLength(written); // none published twice
  const byFile = seqNos(records);
  expect(byFile.size).toBe(6 * 30);
  for (const [, seq] of byFile) expect(seq).toEqual([1, 2, 3]);
  await eventually(() => expect(relays.reduce((n, r) => n + r.relay.stats().published, 0)).toBe(written));
  expect(relays.filter((r) => r.relay.stats().published > 0).length).toBeGreaterThanOrEqual(2); // shared, not one relay doing it all
});

it("a relay stuck in its broker send stalls neither writers nor the other relay, and holds back only its files' later rows", async () => {
  const stuck = gate();
  await startRelay({ send: stuck.wrap });
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN'); // one commit, so the first relay's claim takes all three
    for (let fileId = 1; fileId <= 3; fileId += 1)
      await insertOutboxRow(client, env, { fileId, payload: { fileId, seqNo: 1 } });
    await client.query('COMMIT');
    await stuck.reached; // the first relay took the rows of files 1-3 and waits on its broker

    await startRelay();
    // Writers go on, and the wake-up request can be raised and lowered: nothing waits for the stuck send.
    const lockWait = new pg.Client({ connectionString: env.databaseUrl });
    await lockWait.connect();
    try {
      await lockWait.query("SET lock_timeout = '2s'");
      await lockWait.query('UPDATE outbox_wakeup SET requested = requested');
    } finally {
      await lockWait.end();
    }
    for (let fileId = 1; fileId <= 6; fileId += 1)
      await insertOutboxRow(client, env, { fileId, payload: { fileId, seqNo: 2 } });

    // The second relay publishes files 4-6; files 1-3's second rows wait behind their first.
    const early = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 3);
    expect(early.map((r) => r.key).sort()).toEqual(['4', '5', '6']);
    await eventually(async () => {
      const waiting = await sql<{ aggregateid: string }>`SELECT aggregateid FROM outbox`.execute(env.db);
      expect(new Set(waiting.rows.map((r) => r.aggregateid))).toEqual(new Set(['1', '2', '3']));
    });

    stuck.open();
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 9);
    await eventually(async () => expect(await outboxCount()).toBe(0));
    expect(records).toHaveLength(9);
    const byFile = seqNos(records);
    for (const fileId of ['1', '2', '3']) expect(byFile.get(fileId)).toEqual([1, 2]);
    for (const fileId of ['4', '5', '6']) expect(byFile.get(fileId)).toEqual([2]);
  } finally {
    await client.end();
  }
});

it('the rows of a relay that hangs are released when PostgreSQL ends its idle transaction, and another relay publishes them once', async () => {
  const hung = gate({ fail: true });
  // A hung relay process holds its claim open; the server ends it after this long (the services' default is 120 s).
  const first = await startRelay({ send: hung.wrap, idleInTransactionTimeoutMs: 1_500 });
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    for (let fileId = 1; fileId <= 4; fileId += 1)
      await insertOutboxRow(client, env, { fileId, payload: { fileId, seqNo: 1 } });
  } finally {
    await client.end();
  }
  await hung.reached;
  await startRelay();
  const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 4);
  await eventually(async () => expect(await outboxCount()).toBe(0));
  hung.open(); // too late: its transaction is gone, and its send fails without publishing
  await eventually(() => expect(first.relay.stats().failures).toBeGreaterThan(0));
  expect(records.map((r) => r.key).sort()).toEqual(['1', '2', '3', '4']);
  expect(first.relay.stats().published).toBe(0);
});
