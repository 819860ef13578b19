import type { Kafka } from 'kafkajs';
import {
  consumerTiming,
  createKafka,
  createLogger,
  createRecordConsumer,
  producerSettings,
  silentLogger,
  type WatchedRecordConsumer,
} from '@fileflow/common';
import { createTestEnv, eventually, TcpProxy, type TestEnv } from '@fileflow/testkit';

/** Must match infra's KAFKA.faultyPort / faultyProxyPort: a listener that advertises the proxy's port. */
const kafkaFaultyPort = 9094;
const kafkaProxyPort = 9095;

let env: TestEnv;
const running: WatchedRecordConsumer[] = [];
beforeAll(async () => {
  env = await createTestEnv('recordconsumer', { partitions: 1 });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await env.cleanup();
});

async function produce(kafka: Kafka, topic: string, keys: readonly string[]): Promise<void> {
  const producer = kafka.producer(producerSettings);
  await producer.connect();
  try {
    await producer.send({ topic, messages: keys.map((key) => ({ key, value: key, partition: 0 })) });
  } finally {
    await producer.disconnect();
  }
}

async function committedOffset(groupId: string, topic: string): Promise<string | undefined> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions.find((p) => p.partition === 0)?.offset;
  } finally {
    await admin.disconnect();
  }
}

async function membersOf(groupId: string): Promise<string[]> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((m) => m.memberId);
  } finally {
    await admin.disconnect();
  }
}

it('keeps the group membership through a slice longer than the session timeout: no rebalance, no redelivery', async () => {
  const groupId = `${env.id}.long-slice`;
  const topic = env.topics.fileCreate;
  const handled: string[] = [];
  let slowStarted: () => void = () => undefined;
  const slowSliceStarted = new Promise<void>((r) => (slowStarted = r));
  const consumer = createRecordConsumer({
    kafka: env.kafka,
    groupId,
    topics: [topic],
    logger: silentLogger,
    sliceSize: 1,
    async handle(records) {
      for (const r of records) {
        const key = r.message.key?.toString() ?? '';
        handled.push(key);
        if (key === 'slow') {
          slowStarted();
          // The work itself: longer than the session timeout.
          await new Promise((resolve) => setTimeout(resolve, consumerTiming.sessionTimeout + 5_000));
        }
      }
      return [];
    },
  });
  running.push(consumer);
  await consumer.start();
  await produce(env.kafka, topic, ['slow', 'after']);
  await slowSliceStarted;
  const [member] = await eventually(async () => {
    const members = await membersOf(groupId);
    expect(members).toHaveLength(1);
    return members;
  });

  await eventually(() => expect(handled).toEqual(['slow', 'after']), { timeoutMs: 40_000 });
  await eventually(async () => expect(await committedOffset(groupId, topic)).toBe('2'));
  expect(await membersOf(groupId)).toEqual([member]);
  expect(handled).toEqual(['slow', 'after']);
  expect(consumer.isRunning()).toBe(true);
});

it('reports a consumer whose fetches stop progressing, replaces it, and consumes again', async () => {
  const groupId = `${env.id}.wedged`;
  const topic = env.topics.fileCreated;
  const warnings: string[] = [];
  const logger = createLogger('test', 'warn', {}, (line) => {
    const entry: unknown = JSON.parse(line);
    if (typeof entry === 'object' && entry !== null && 'msg' in entry) warnings.push(String(entry.msg));
  });
  const proxy = new TcpProxy(kafkaProxyPort, kafkaFaultyPort);
  await proxy.start();
  try {
    const viaProxy = createKafka(
      { brokers: [`127.0.0.1:${kafkaProxyPort}`], clientId: `test-${env.id}-wedged` },
      silentLogger,
    );
    const handled: string[] = [];
    const consumer = createRecordConsumer({
      kafka: viaProxy,
      groupId,
      topics: [topic],
      logger,
      stallMs: 8_000, // above the broker's long-poll wait, so an idle healthy consumer is never "wedged"
      handle(records) {
        handled.push(...records.map((r) => r.message.key?.toString() ?? ''));
        return Promise.resolve([]);
      },
    });
    running.push(consumer);
    await consumer.start();
    await produce(env.kafka, topic, ['before']);
    await eventually(() => expect(handled).toEqual(['before']), { timeoutMs: 30_000 });
    await eventually(async () => expect(await committedOffset(groupId, topic)).toBe('1'));
    expect(consumer.problem()).toBeUndefined();

    proxy.hold(); // every connection stays open, no byte moves: the consumer's fetches hang
    const problem = await eventually(
      () => {
        const p = consumer.problem();
        expect(p).toMatch(/no Kafka fetch completed|could not be replaced/);
        return p;
      },
      { timeoutMs: 30_000 },
    );
    expect(problem).toBeDefined();
    expect(consumer.isRunning()).toBe(false);
    await produce(env.kafka, topic, ['during']);

    proxy.release();
    await eventually(() => expect(handled).toEqual(['before', 'during']), { timeoutMs: 90_000 });
    await eventually(() => expect(consumer.problem()).toBeUndefined(), { timeoutMs: 30_000 });
    expect(consumer.isRunning()).toBe(true);
    expect(warnings).toContain('consumer is wedged; replacing it');
  } finally {
    await Promise.all(running.splice(0).map((c) => c.stop()));
    await proxy.stop();
  }
});
