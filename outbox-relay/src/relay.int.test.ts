import type { Producer } from 'kafkajs';
import pg from 'pg';
import { newId } from '@fileflow/common';
import { insertOutboxMessage, outboxBacklog } from '@fileflow/db';
import {
  createTestEnv,
  eventually,
  insertOutboxRow,
  readTopic,
  type ReadRecord,
  type TestEnv,
} from '@fileflow/testkit';
import { createTestRelay } from './testing';
import type { Relay } from './relay';

let env: TestEnv;
let relay: Relay;
let producer: Producer;

beforeAll(async () => {
  env = await createTestEnv('relay');
  ({ relay, producer } = await createTestRelay(env));
});
afterAll(async () => {
  await producer.disconnect();
  await env.cleanup();
});

/** Insert one outbox row for file `fileId` with `seqNo` in its payload, on `client`. */
const insertRow = (client: pg.ClientBase, fileId: number, seqNo: number) =>
  insertOutboxRow(client, env, { fileId, payload: { fileId, seqNo } });

const seqNos = (records: readonly ReadRecord[], key: string) =>
  records.filter((r) => r.key === key).map((r) => (JSON.parse(r.value ?? '{}') as { seqNo: number }).seqNo);

const outboxCount = async () => (await outboxBacklog(env.db)).count;

/**
 * Drain until the outbox is empty; resolves to the rows published. An empty claim does not mean
 * the end: the gap-free rule holds rows back while any older transaction in the PostgreSQL
 * cluster is open, and test files running in parallel open some in their own databases.
 */
async function drainAll(): Promise<number> {
  let published = 0;
  await eventually(async () => {
    published += await relay.drainOnce();
    expect(await outboxCount()).toBe(0);
  });
  return published;
}

it('waits for a transaction that began first and commits last, then publishes everything in per-file order', async () => {
  const longTx = new pg.Client({ connectionString: env.databaseUrl });
  const shortTx = new pg.Client({ connectionString: env.databaseUrl });
  await Promise.all([longTx.connect(), shortTx.connect()]);
  try {
    await longTx.query('BEGIN');
    const first = await insertRow(longTx, 1, 1); // file 1, event 1: written first, committed last

    await shortTx.query('BEGIN');
    await insertRow(shortTx, 2, 1);
    await insertRow(shortTx, 3, 1);
    await shortTx.query('COMMIT');

    // The short transaction's rows are visible, but the long one is still in flight: an
    // offset-tracking poller would publish them and skip row `first` for ever.
    expect(await outboxCount()).toBe(2);
    expect(await relay.drainOnce()).toBe(0);

    await longTx.query('COMMIT');
    // File 1's second event, written after the first committed.
    await insertRow(shortTx, 1, 2);

    expect(await drainAll()).toBe(4);

    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 4);
    expect(records).toHaveLength(4);
    expect(records.find((r) => r.key === '1')?.headers.id).toBe(first);
    expect(seqNos(records, '1')).toEqual([1, 2]);
    expect(new Set(records.map((r) => r.headers.id)).size).toBe(4);
  } finally {
    await Promise.all([longTx.end(), shortTx.end()]);
  }
});

// Concurrent, out-of-order writers: see relay-contract.int.test.ts, which runs it for both relays.

it('keeps the rows when the broker refuses the batch, and publishes them later', async () => {
  await producer.disconnect(); // a producer that cannot send: the batch must fail
  await env.db.transaction().execute((trx) =>
    insertOutboxMessage(trx, {
      id: newId(),
      aggregatetype: 'file',
      aggregateid: '77',
      type: 'file.create',
      topic: env.topics.fileCreate,
      payload: { fileId: 77, seqNo: 1 },
      traceparent: null,
    }),
  );
  // Retried only while the row is held back (see drainAll): the claim must include it to fail.
  await eventually(() => expect(relay.drainOnce()).rejects.toThrow());
  expect(await outboxCount()).toBe(1);
  await producer.connect();
  expect(await drainAll()).toBe(1);
});
