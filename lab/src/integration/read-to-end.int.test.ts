import { readToEnd, type TopicRecord } from '@fileflow/ops';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('readtoend', { partitions: 2 });
});
afterAll(async () => {
  await env.cleanup();
});

it('reads to the end of a topic a transactional producer wrote, whose last offsets are commit markers', async () => {
  const topic = env.topics.fileCreate;
  const producer = env.kafka.producer({
    transactionalId: `${env.id}-read-to-end`,
    maxInFlightRequests: 1,
    idempotent: true,
  });
  await producer.connect();
  try {
    for (const round of [1, 2]) {
      const tx = await producer.transaction();
      await tx.send({
        topic,
        messages: [0, 1, 2].map((i) => ({ key: String(i), value: `${round}-${i}`, partition: i % 2 })),
      });
      await tx.commit();
    }
  } finally {
    await producer.disconnect();
  }

  const read: TopicRecord[] = [];
  await readToEnd(
    env.kafka,
    { topics: [topic], groupId: `${env.id}-reader`, commit: false, timeoutMs: 20_000 },
    (r) => {
      read.push(r);
    },
  );

  expect(read.map((r) => r.message.value?.toString()).sort()).toEqual(['1-0', '1-1', '1-2', '2-0', '2-1', '2-2']);
});
