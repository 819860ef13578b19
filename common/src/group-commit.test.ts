import { createGroupCommit } from './group-commit';

it('runs one flush at a time over everything queued meanwhile, and gives each caller its own results', async () => {
  const flushes: number[][] = [];
  let release: (() => void) | undefined;
  const apply = createGroupCommit(async (items: number[]) => {
    flushes.push(items);
    if (flushes.length === 1) await new Promise<void>((r) => (release = r));
    return items.map((n) => n * 10);
  });
  const first = apply([1]);
  const second = apply([2, 3]);
  const third = apply([4]);
  release?.();
  expect(await Promise.all([first, second, third])).toEqual([[10], [20, 30], [40]]);
  expect(flushes).toEqual([[1], [2, 3, 4]]);
});

it('rejects every caller of a failed flush, and the next flush still runs', async () => {
  let fail = true;
  const apply = createGroupCommit((items: number[]) => {
    if (fail) {
      fail = false;
      return Promise.reject(new Error('database down'));
    }
    return Promise.resolve(items);
  });
  await expect(apply([1])).rejects.toThrow('database down');
  await expect(apply([2])).resolves.toEqual([2]);
});
