import { ConfigResourceTypes, type Producer } from 'kafkajs';
import { sql } from 'kysely';
import { createTopicsWithLeaders, producerSettings } from '@fileflow/common';
import { listOutboxDeadLetters, outboxBacklog } from '@fileflow/db';
import { createTestEnv, eventually, readTopic, type TestEnv } from '@fileflow/testkit';
import { createTestRelay } from './testing';
import { batchByteBudget, readBrokerMessageMaxBytes } from './broker-limits';
import type { Relay } from './relay';

/** `count` pending files with ids from `first`, each with its file.create row; `bytes(id)` sizes its description. */
async function filesWithRequests(
  env: TestEnv,
  o: { first: number; count: number; topic: string; bytes: (id: number) => number },
): Promise<void> {
  const ids = Array.from({ length: o.count }, (_, i) => o.first + i);
  await sql`INSERT INTO files (id, title, description, status) SELECT g, 'file ' || g, '', 'pending' FROM unnest(${ids}::int[]) g`.execute(
    env.db,
  );
  // One transaction per row, in id order: seq follows the ids.
  for (const id of ids) {
    await sql`
      INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload)
      VALUES (gen_random_uuid(), 'file', ${String(id)}, 'file.create', ${o.topic},
              jsonb_build_object('fileId', ${id}::int, 'title', 'file ' || ${id}::int, 'description', repeat('d', ${o.bytes(id)}::int)))`.execute(
      env.db,
    );
  }
}

/** Drain until the outbox is empty (rows can be held back by other tests' open transactions). */
async function drainAll(env: TestEnv, relay: Relay): Promise<void> {
  await eventually(
    async () => {
      await relay.drainOnce().catch((err: unknown) => {
        if (!(err instanceof Error && err.name === 'BatchRefusedError')) throw err;
      });
      expect((await outboxBacklog(env.db)).count).toBe(0);
    },
    { timeoutMs: 60_000, intervalMs: 10 },
  );
}

describe('a burst of maximum-size requests', () => {
  let env: TestEnv;
  let relay: Relay;
  let producer: Producer;
  beforeAll(async () => {
    env = await createTestEnv('relaybig');
    const admin = env.kafka.admin();
    await admin.connect();
    const limit = await readBrokerMessageMaxBytes(admin).finally(() => admin.disconnect());
    ({ relay, producer } = await createTestRelay(env, {
      batchSize: 500,
      maxBatchBytes: () => batchByteBudget(limit),
    }));
  });
  afterAll(async () => {
    await producer.disconnect();
    await env.cleanup();
  });

  it('is published whole, in batches under the broker limit, none refused', async () => {
    // 60,000 bytes of description: about the largest file.create the API writes (64 KiB body).
    await filesWithRequests(env, { first: 1, count: 150, topic: env.topics.fileCreate, bytes: () => 60_000 });
    await drainAll(env, relay);
    const records = await readTopic(env.kafka, env.topics.fileCreate, (r) => r.length >= 150);
    expect(records).toHaveLength(150);
    expect(relay.stats()).toMatchObject({ published: 150, refusals: 0, deadLettered: 0 });
    expect(relay.stats().batches).toBeGreaterThanOrEqual(9); // ~17 rows of 60 KB fit in 1 MB
  });
});

describe('a row the broker refuses even alone', () => {
  let env: TestEnv;
  let relay: Relay;
  let producer: Producer;
  beforeAll(async () => {
    env = await createTestEnv('relayrefuse', { partitions: 1 });
    // The topic takes records of at most 4 KiB: larger rows are refused as MESSAGE_TOO_LARGE.
    const admin = env.kafka.admin();
    await admin.connect();
    await admin
      .alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: env.topics.fileCreate,
            configEntries: [{ name: 'max.message.bytes', value: '4096' }],
          },
        ],
      })
      .finally(() => admin.disconnect());
    ({ relay, producer } = await createTestRelay(env, { batchSize: 50 }));
  });
  afterAll(async () => {
    await producer.disconnect();
    await env.cleanup();
  });

  it('is dead-lettered with the reason, its file fails, and every row behind it is published in order', async () => {
    const big = new Set([7, 15, 16]);
    await filesWithRequests(env, {
      first: 1,
      count: 30,
      topic: env.topics.fileCreate,
      bytes: (id) => (big.has(id) ? 8_000 : 100),
    });
    await drainAll(env, relay);

    const records = await readTopic(env.kafka, env.topics.fileCreate, (r) => r.length >= 27);
    expect(records.map((r) => Number(r.key))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1).filter((id) => !big.has(id)),
    );
    const dead = await listOutboxDeadLetters(env.db);
    expect(dead.map((d) => Number(d.aggregateid)).sort((a, b) => a - b)).toEqual([...big]);
    for (const d of dead) expect(d.reason).toMatch(/^MESSAGE_TOO_LARGE: /);

    const files = await env.db.selectFrom('files').select(['id', 'status', 'error']).orderBy('id').execute();
    for (const f of files) {
      if (big.has(f.id)) {
        expect(f.status).toBe('failed');
        expect(f.error).toMatch(/could not be published to Kafka.*MESSAGE_TOO_LARGE/);
      } else expect({ id: f.id, status: f.status }).toEqual({ id: f.id, status: 'pending' });
    }
    expect(relay.stats()).toMatchObject({ published: 27, deadLettered: 3 });
  });
});

describe('a relay that keeps failing', () => {
  let env: TestEnv;
  let producer: Producer;
  beforeAll(async () => {
    env = await createTestEnv('relayunready');
  });
  afterAll(async () => {
    await producer.disconnect();
    await env.cleanup();
  });

  it('is not ready, naming the reason, until a batch goes through again', async () => {
    const topic = `missing.${env.id}`;
    // The topic does not exist and this producer may not create it: every batch fails (a real
    // broker answer, UNKNOWN_TOPIC_OR_PARTITION), and the rows stay.
    let relay: Relay;
    ({ relay, producer } = await createTestRelay(env, {
      producer: env.kafka.producer({ ...producerSettings, allowAutoTopicCreation: false, retry: { retries: 1 } }),
      pollIntervalMs: 200,
      unreadyAfterMs: 500,
    }));
    await filesWithRequests(env, { first: 1, count: 3, topic, bytes: () => 10 });
    expect(relay.readiness()).toEqual([]);
    await relay.start();
    try {
      const problems = await eventually(() => {
        const p = relay.readiness();
        expect(p).toHaveLength(1);
        return p;
      });
      expect(problems[0]).toMatch(/^kafka: publishing has failed for \d+ s \([A-Z_a-z]+\)$/);
      expect((await outboxBacklog(env.db)).count).toBe(3);

      const admin = env.kafka.admin();
      await admin.connect();
      await createTopicsWithLeaders(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]).finally(() =>
        admin.disconnect(),
      );
      await eventually(
        async () => {
          expect((await outboxBacklog(env.db)).count).toBe(0);
          expect(relay.readiness()).toEqual([]);
        },
        { timeoutMs: 60_000 },
      );
    } finally {
      await relay.stop();
      const admin = env.kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
