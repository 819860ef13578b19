import { runPeriodically } from './periodic';

it('runs the task again after each run ends, never two at once, reports failures and goes on', async () => {
  let runs = 0;
  let inFlight = 0;
  let peak = 0;
  const errors: unknown[] = [];
  let reachedFive: () => void = () => undefined;
  const five = new Promise<void>((r) => (reachedFive = r));
  const loop = runPeriodically({
    task: async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      runs += 1;
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      if (runs === 5) reachedFive();
      if (runs === 2) throw new Error('second run fails');
    },
    delayMs: () => 0,
    onError: (err) => errors.push(err),
  });
  await loop.start();
  await five;
  await loop.stop();
  const after = runs;
  await new Promise((r) => setTimeout(r, 20)); // stopped: no run is scheduled any more
  expect(runs).toBe(after);
  expect(peak).toBe(1);
  expect(errors).toEqual([new Error('second run fails')]);
});
