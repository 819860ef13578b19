import type { Admin } from 'kafkajs';
import { createTopicsWithLeaders, topicsWithoutLeaders } from './kafka-topics';

describe('topicsWithoutLeaders', () => {
  it('names the topics missing from the metadata or with a partition without a leader', () => {
    const meta = [
      { name: 'a', partitions: [{ leader: 1 }, { leader: 1 }] },
      { name: 'b', partitions: [{ leader: 1 }, { leader: -1 }] },
      { name: 'c', partitions: [] },
    ];
    expect(topicsWithoutLeaders(['a', 'b', 'c', 'd'], meta)).toEqual(['b', 'c', 'd']);
    expect(topicsWithoutLeaders(['a'], meta)).toEqual([]);
  });
});

/** An admin whose metadata answers are scripted: an error type to throw, or leaders. */
function scriptedAdmin(
  answers: Array<string | number>,
  offsetAnswers: string[] = [],
): { admin: Admin; creates: unknown[]; offsetCalls: string[] } {
  const creates: unknown[] = [];
  const offsetCalls: string[] = [];
  const admin = {
    createTopics: (args: unknown) => {
      creates.push(args);
      return Promise.resolve(true);
    },
    fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
      const next = answers.shift() ?? 1;
      if (typeof next === 'string') return Promise.reject(Object.assign(new Error(next), { type: next }));
      return Promise.resolve({ topics: topics.map((name) => ({ name, partitions: [{ leader: next }] })) });
    },
    fetchTopicOffsets: (topic: string) => {
      offsetCalls.push(topic);
      const err = offsetAnswers.shift();
      // KafkaJS wraps the last error of its own retries.
      if (err) return Promise.reject(Object.assign(new Error('retries exhausted'), { originalError: { type: err } }));
      return Promise.resolve([{ partition: 0, offset: '0', high: '0', low: '0' }]);
    },
  } as unknown as Admin;
  return { admin, creates, offsetCalls };
}

describe('createTopicsWithLeaders', () => {
  it("creates without KafkaJS's own wait, then waits through 'unknown topic' and 'no leader' answers", async () => {
    const { admin, creates } = scriptedAdmin(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', -1, 1]);
    await expect(
      createTopicsWithLeaders(admin, [{ topic: 't', numPartitions: 1 }], { intervalMs: 0 }),
    ).resolves.toBeUndefined();
    expect(creates).toEqual([{ topics: [{ topic: 't', numPartitions: 1 }], waitForLeaders: false }]);
  });

  it('rethrows any other error at once', async () => {
    const { admin } = scriptedAdmin(['TOPIC_AUTHORIZATION_FAILED']);
    await expect(createTopicsWithLeaders(admin, [{ topic: 't' }], { intervalMs: 0 })).rejects.toThrow(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('gives up after its timeout, naming the topics still without a leader', async () => {
    const { admin } = scriptedAdmin(Array.from({ length: 10_000 }, () => -1));
    await expect(createTopicsWithLeaders(admin, [{ topic: 't' }], { timeoutMs: 30, intervalMs: 1 })).rejects.toThrow(
      'topics not served by a leader after 30 ms: t',
    );
  });
});

it('then waits until every topic’s leader lists its offsets (it hosts the partitions)', async () => {
  const { admin, offsetCalls } = scriptedAdmin([], ['NOT_LEADER_FOR_PARTITION']);
  await createTopicsWithLeaders(admin, [{ topic: 'a' }, { topic: 'b' }], { intervalMs: 0 });
  expect(offsetCalls).toEqual(['a', 'a', 'b']);
});

it('names the topics whose leaders never served them when it gives up', async () => {
  const { admin } = scriptedAdmin(
    [],
    Array.from({ length: 10_000 }, () => 'NOT_LEADER_FOR_PARTITION'),
  );
  await expect(createTopicsWithLeaders(admin, [{ topic: 'a' }], { timeoutMs: 30, intervalMs: 1 })).rejects.toThrow(
    'topics not served by a leader after 30 ms: a; last error: retries exhausted',
  );
});
