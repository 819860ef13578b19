import type { Producer } from 'kafkajs';
import { sql } from 'kysely';
import pg from 'pg';
import { silentLogger } from '@fileflow/common';
import { outboxBacklog, wakeupLockKey } from '@fileflow/db';
import { createTestEnv, eventually, insertOutboxRow, readTopic, type TestEnv } from '@fileflow/testkit';
import { createTestRelay } from './testing';
import { createOutboxListener } from './outbox-listener';
import type { Relay } from './relay';

let env: TestEnv;
let relay: Relay;
let listener: ReturnType<typeof createOutboxListener>;
let producer: Producer;
let notifications = 0;

beforeAll(async () => {
  env = await createTestEnv('wakeup');
  // No poll in practice: every row below must arrive through a NOTIFY.
  ({ relay, producer } = await createTestRelay(env, { pollIntervalMs: 10 * 60_000 }));
  listener = createOutboxListener(
    env.databaseUrl,
    () => {
      notifications += 1;
      relay.notify();
    },
    silentLogger,
  );
  await listener.start();
  await relay.start();
});
afterAll(async () => {
  await relay.stop();
  await listener.stop();
  await producer.disconnect();
  await env.cleanup();
});

const requested = async () =>
  (await env.db.selectFrom('outbox_wakeup').select('requested').executeTakeFirstOrThrow()).requested;

it('a sleeping relay has asked for a wake-up, and every row written while it sleeps wakes it', async () => {
  await eventually(async () => expect(await requested()).toBe(true));
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    for (let fileId = 1; fileId <= 5; fileId += 1) {
      await eventually(async () => expect(await requested()).toBe(true)); // asleep again
      await insertOutboxRow(client, env, { fileId, payload: { fileId } });
    }
  } finally {
    await client.end();
  }
  const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.length >= 5);
  expect(records.map((r) => r.key).sort()).toEqual(['1', '2', '3', '4', '5']);
  expect(notifications).toBeGreaterThanOrEqual(5);
});

const outboxRows = async () => (await outboxBacklog(env.db)).count;

/** Every change of the wake-up request, as a trigger in this test's own database logs it. */
const flagChanges = async () =>
  (await sql<{ requested: boolean }>`SELECT requested FROM wakeup_log ORDER BY n`.execute(env.db)).rows.map(
    (r) => r.requested,
  );

describe('the request stands under a light load and is withdrawn under load', () => {
  beforeAll(async () => {
    await sql`CREATE TABLE wakeup_log (n serial PRIMARY KEY, requested boolean NOT NULL)`.execute(env.db);
    await sql`
      CREATE FUNCTION log_wakeup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO wakeup_log (requested) VALUES (NEW.requested); RETURN NULL; END $$`.execute(env.db);
    await sql`CREATE TRIGGER log_wakeup AFTER UPDATE ON outbox_wakeup FOR EACH ROW EXECUTE FUNCTION log_wakeup()`.execute(
      env.db,
    );
  });
  beforeEach(async () => {
    await eventually(async () => expect(await requested()).toBe(true)); // asleep
    await sql`TRUNCATE wakeup_log`.execute(env.db);
  });

  it('rows one at a time each wake the relay through a notification, and the request is never touched', async () => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      for (let fileId = 201; fileId <= 205; fileId += 1) {
        await insertOutboxRow(client, env, { fileId, payload: { fileId } });
        await eventually(async () => expect(await outboxRows()).toBe(0)); // published: one row a batch
      }
    } finally {
      await client.end();
    }
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '205'));
    expect(records.filter((r) => Number(r.key) >= 201 && Number(r.key) <= 205)).toHaveLength(5);
    expect(await flagChanges()).toEqual([]);
    expect(await requested()).toBe(true);
  });

  it('a stream of batches withdraws the request (writers stop notifying), and it stands again once idle', async () => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      // Ten transactions of five rows, one after another: the notifications that keep coming
      // while the relay works show it the request stands under load.
      for (let t = 0; t < 10; t += 1) {
        await client.query('BEGIN');
        for (let k = 1; k <= 5; k += 1) {
          const fileId = 300 + t * 5 + k;
          await insertOutboxRow(client, env, { fileId, payload: { fileId } });
        }
        await client.query('COMMIT');
      }
    } finally {
      await client.end();
    }
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '350'));
    expect(records.filter((r) => Number(r.key) > 300 && Number(r.key) <= 350)).toHaveLength(50);
    await eventually(async () => {
      const changes = await flagChanges();
      expect(changes).toContain(false); // withdrawn while the batches came
      expect(changes.at(-1)).toBe(true); // raised again once idle
    });
  });
});

it('writers do not notify while the relay is awake (the request is withdrawn), and no row is missed', async () => {
  await env.db.updateTable('outbox_wakeup').set({ requested: false }).execute(); // as an awake relay leaves it
  const before = notifications;
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await insertOutboxRow(client, env, { fileId: 50, payload: { fileId: 50 } });
    // Nothing notified; the relay sleeps on. Once it asks again (as it does before each sleep)
    // the next writer wakes it, and the claim takes both rows.
    await env.db.updateTable('outbox_wakeup').set({ requested: true }).execute();
    await insertOutboxRow(client, env, { fileId: 51, payload: { fileId: 51 } });
  } finally {
    await client.end();
  }
  const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '51'));
  expect(records.map((r) => r.key)).toEqual(expect.arrayContaining(['50', '51']));
  expect(notifications - before).toBe(1);
});

it('a writer whose transaction stays open blocks neither the relay nor other writers', async () => {
  const open = new pg.Client({ connectionString: env.databaseUrl });
  const other = new pg.Client({ connectionString: env.databaseUrl });
  await Promise.all([open.connect(), other.connect()]);
  try {
    // A writer in the middle of its transaction: it holds the wake-up lock shared (as the outbox
    // trigger leaves it) until it ends. It wrote no row, so the gap-free rule holds nothing back.
    await open.query('BEGIN');
    await open.query('SELECT pg_advisory_xact_lock_shared($1)', [wakeupLockKey]);
    // A row wakes the relay; once it is out, the relay finds nothing and tries to raise its
    // wake-up request, which it cannot while the lock is held.
    await insertOutboxRow(other, env, { fileId: 91, payload: { fileId: 91 } });
    await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '91'));
    // It only tries the lock, so a writer never queues behind it, and it keeps looking instead
    // of sleeping (the poll interval is 10 min): the next row goes out without a notification.
    const started = Date.now();
    await insertOutboxRow(other, env, { fileId: 92, payload: { fileId: 92 } });
    expect(Date.now() - started).toBeLessThan(2_000);
    const records = await readTopic(env.kafka, env.topics.fileCreate, (rs) => rs.some((r) => r.key === '92'));
    expect(records.map((r) => r.key)).toContain('92');
    await open.query('COMMIT');
  } finally {
    await Promise.all([open.end(), other.end()]);
  }
});

it('an outbox insert takes the very lock the relay tries (wakeupLockKey), shared', async () => {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await insertOutboxRow(client, env, { fileId: 95, payload: { fileId: 95 } });
    const { rows } = await client.query<{ mode: string }>(
      `SELECT mode FROM pg_locks
        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 1
          AND ((classid::bigint << 32) | objid::bigint) = $1`,
      [wakeupLockKey],
    );
    expect(rows.map((r) => r.mode)).toEqual(['ShareLock']);
    await client.query('ROLLBACK');
  } finally {
    await client.end();
  }
});
