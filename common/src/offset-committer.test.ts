import { createOffsetCommitter, type PartitionOffset } from './offset-committer';

const sorted = (list: PartitionOffset[]) =>
  [...list].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);

function harness(fail: (call: number) => boolean = () => false) {
  const commits: PartitionOffset[][] = [];
  const errors: unknown[] = [];
  const committer = createOffsetCommitter({
    commit: (list) => {
      commits.push(sorted(list));
      return fail(commits.length) ? Promise.reject(new Error('coordinator moved')) : Promise.resolve();
    },
    intervalMs: 10_000, // the tests flush by hand
    onError: (e) => errors.push(e),
  });
  return { commits, errors, committer };
}

afterEach(() => jest.useRealTimers());

it('commits the offset after the last processed record of each partition, once', async () => {
  const { commits, committer } = harness();
  committer.processed('file.create', 0, '41');
  committer.processed('file.create', 0, '99');
  committer.processed('file.create', 2, '7');
  await committer.flush();
  await committer.flush(); // nothing new: no second round trip
  committer.close();
  expect(commits).toEqual([
    [
      { topic: 'file.create', partition: 0, offset: '100' },
      { topic: 'file.create', partition: 2, offset: '8' },
    ],
  ]);
});

it('commits on its own `intervalMs` after the first processed record, not per record', async () => {
  jest.useFakeTimers();
  const commits: PartitionOffset[][] = [];
  const committer = createOffsetCommitter({
    commit: (list) => {
      commits.push(list);
      return Promise.resolve();
    },
    intervalMs: 100,
    onError: () => undefined,
  });
  committer.processed('t', 0, '1');
  committer.processed('t', 0, '2');
  await jest.advanceTimersByTimeAsync(99);
  expect(commits).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '3' }]]);
  await jest.advanceTimersByTimeAsync(1_000); // idle: no timer, no commits
  expect(commits).toHaveLength(1);
  committer.close();
});

it('keeps a failed commit for the next one, but never sends an offset older than a newer one', async () => {
  const { commits, errors, committer } = harness((call) => call === 1);
  committer.processed('t', 0, '9');
  committer.processed('t', 1, '4');
  await committer.flush(); // fails
  committer.processed('t', 0, '19'); // partition 0 moved on meanwhile
  await committer.flush();
  committer.close();
  expect(errors).toHaveLength(1);
  expect(commits[1]).toEqual([
    { topic: 't', partition: 0, offset: '20' },
    { topic: 't', partition: 1, offset: '5' },
  ]);
});

it('forgets partitions a rebalance took away (their new owner commits them)', async () => {
  const { commits, committer } = harness();
  committer.processed('a', 0, '1');
  committer.processed('a', 1, '1');
  committer.processed('b', 0, '1');
  committer.retain({ a: [1] });
  await committer.flush();
  committer.close();
  expect(commits).toEqual([[{ topic: 'a', partition: 1, offset: '2' }]]);
});

it('runs one commit at a time: a flush during a commit waits for it, then commits what came since', async () => {
  let release: (() => void) | undefined;
  const commits: PartitionOffset[][] = [];
  const committer = createOffsetCommitter({
    commit: async (list) => {
      commits.push(list);
      if (commits.length === 1) await new Promise<void>((r) => (release = r));
    },
    intervalMs: 10_000,
    onError: () => undefined,
  });
  committer.processed('t', 0, '1');
  const first = committer.flush();
  committer.processed('t', 0, '2');
  const second = committer.flush();
  await Promise.resolve();
  expect(commits).toHaveLength(1);
  release?.();
  await Promise.all([first, second]);
  committer.close();
  expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '2' }], [{ topic: 't', partition: 0, offset: '3' }]]);
});
