import { mapConcurrent } from './map-concurrent';

it('keeps the order of the items and never runs more than `limit` at once', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n, i) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight -= 1;
    return `${i}:${n * 10}`;
  });
  expect(out).toEqual(['0:50', '1:10', '2:40', '3:20', '4:30']);
  expect(peak).toBe(2);
});

it('handles no items, and rejects with the first error', async () => {
  await expect(mapConcurrent([], 4, () => Promise.resolve(1))).resolves.toEqual([]);
  await expect(
    mapConcurrent([1, 2, 3], 3, (n) => (n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n))),
  ).rejects.toThrow('two');
});
