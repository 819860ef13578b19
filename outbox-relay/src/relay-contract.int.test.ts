import pg from 'pg';
import { silentLogger } from '@fileflow/common';
import {
  createTestEnv,
  insertOutboxRow,
  readTopic,
  writeConcurrently,
  type ReadRecord,
  type TestEnv,
} from '@fileflow/testkit';
import { relayModes, type RelayMode } from './relay-mode';
import { createTestRelay, startTestDebeziumRelay } from './testing';
import { createOutboxListener } from './outbox-listener';

/**
 * One contract, two relays: from the same outbox rows the polling relay and Debezium (Kafka
 * Connect + Outbox Event Router) must produce the same records (topic, key, headers, value
 * bytes), keep per-file order, and lose nothing.
 */
const modes = relayModes;
const observed: Partial<Record<RelayMode, ReadRecord[]>> = {};

// Rows that probe the encoding: unicode beyond the BMP, escapes, nulls, big and fractional
// numbers, nesting, no traceparent.
const fixedRows = [
  {
    id: '5b2d3c4e-1f00-4a6b-9c1d-2e3f4a5b6c7d',
    fileId: 42,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    payload: {
      fileId: 42,
      title: 'Ünïcødé 😀 "quoted" \\ back',
      description: 'line1\nline2\ttab',
      timestamp: '2026-11-24T10:00:00.000Z',
    },
  },
  {
    id: '6c3e4d5f-2a11-4b7c-8d2e-3f4a5b6c7d8e',
    fileId: 43,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    payload: {
      fileId: 43,
      nothing: null,
      empty: [],
      big: 12345678901234567890,
      frac: 1.5,
      nested: { a: [1, { b: 'c' }] },
    },
  },
  {
    // No traceparent: Debezium sends a null-valued header, the poller none; both read as absent.
    id: '7d4f5e6a-3b22-4c8d-9e3f-4a5b6c7d8e9f',
    fileId: 44,
    traceparent: null,
    payload: { fileId: 44, title: 'untraced' },
  },
];

/** A record minus what legitimately differs per test env (the topic's suffix, offsets). */
const comparable = (r: ReadRecord, env: TestEnv) => ({
  topic: r.topic.replace(env.topics.fileCreate, 'file.create'),
  key: r.key,
  value: r.value,
  headers: r.headers,
});

describe.each(modes)('%s relay', (mode) => {
  let env: TestEnv;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv(`contract${mode}`);
    if (mode === 'debezium') {
      const debezium = await startTestDebeziumRelay(env, silentLogger);
      stop = () => debezium.stop();
    } else {
      const { relay, producer } = await createTestRelay(env, { batchSize: 500 });
      const listener = createOutboxListener(env.databaseUrl, () => relay.notify(), silentLogger);
      await listener.start();
      await relay.start();
      stop = async () => {
        await relay.stop();
        await listener.stop();
        await producer.disconnect();
      };
    }
  });
  afterAll(async () => {
    await stop();
    await env.cleanup();
  });

  it('publishes each row to its topic with key = file id, headers id/type/traceparent and the payload', async () => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      for (const row of fixedRows) await insertOutboxRow(client, env, row);
    } finally {
      await client.end();
    }
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= fixedRows.length);
    expect(records).toHaveLength(fixedRows.length);
    const byKey = new Map(records.map((r) => [r.key, r]));
    for (const row of fixedRows) {
      const r = byKey.get(String(row.fileId));
      expect(r?.headers).toEqual({ id: row.id, type: 'file.create', traceparent: row.traceparent ?? undefined });
      expect(JSON.parse(r?.value ?? 'null')).toEqual(JSON.parse(JSON.stringify(row.payload)));
    }
    observed[mode] = fixedRows.map((row) => comparable(byKey.get(String(row.fileId))!, env)) as unknown as ReadRecord[];
  });

  it('publishes every row of concurrent, out-of-order writers exactly once and in per-file order', async () => {
    const total = await writeConcurrently(env, { writers: 6, filesPerWriter: 5, eventsPerFile: 5, firstFileId: 1000 });
    const records = await readTopic(
      env.kafka,
      env.topics.fileCreate,
      (rs) => rs.filter((r) => Number(r.key) >= 1000).length >= total,
      90_000,
    );
    const fresh = records.filter((r) => Number(r.key) >= 1000);
    expect(fresh).toHaveLength(total);
    expect(new Set(fresh.map((r) => r.headers.id)).size).toBe(total);
    for (const key of new Set(fresh.map((r) => r.key))) {
      const seq = fresh
        .filter((r) => r.key === key)
        .map((r) => (JSON.parse(r.value ?? '{}') as { seqNo: number }).seqNo);
      expect(seq).toEqual([1, 2, 3, 4, 5]);
    }
  });
});

it('both relays produce byte-identical records from the same rows', () => {
  expect(observed.polling).toBeDefined();
  expect(observed.debezium).toEqual(observed.polling);
});
