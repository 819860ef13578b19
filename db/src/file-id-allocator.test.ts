import { createFileIdAllocator } from './file-id-allocator';

function fakeSequence() {
  let last = 0;
  const calls: number[] = [];
  const reserve = async (n: number) => {
    calls.push(n);
    await Promise.resolve();
    return Array.from({ length: n }, () => ++last);
  };
  return { reserve, calls };
}

it('hands out ids in order, reserving a block only when the last one is used up', async () => {
  const seq = fakeSequence();
  const nextId = createFileIdAllocator(seq.reserve, 3);
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push(await nextId());
  expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(seq.calls).toEqual([3, 3, 3]);
});

it('gives concurrent callers distinct ids from one shared refill', async () => {
  const seq = fakeSequence();
  const nextId = createFileIdAllocator(seq.reserve, 4);
  const ids = await Promise.all(Array.from({ length: 10 }, () => nextId()));
  expect(new Set(ids).size).toBe(10);
  expect([...ids].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(seq.calls).toEqual([4, 4, 4]);
});

it('passes a failed reservation to every waiting caller, and tries again on the next call', async () => {
  let fail = true;
  const nextId = createFileIdAllocator(
    (n) =>
      fail
        ? Promise.reject(new Error('database unavailable'))
        : Promise.resolve(Array.from({ length: n }, (_, i) => i + 1)),
    2,
  );
  await expect(Promise.all([nextId(), nextId()])).rejects.toThrow('database unavailable');
  fail = false;
  expect(await nextId()).toBe(1);
});
