import { latencyTrend } from './e2e';
import { judgeStep, nextRate } from './sustainable';

const criteria = { seconds: 12, riseFactor: 1.2, riseMs: 100, lateMaxMs: 1000 };
const good = { accepted: 1200, failed: 0, postSeconds: 12.1, completed: 1200, trend: { early: 200, late: 340 } };

describe('judgeStep', () => {
  it('holds a step whose files were all accepted on schedule and completed, with a latency that did not keep rising', () => {
    expect(judgeStep(criteria, good)).toEqual({ sustained: true, why: '' });
  });

  it.each([
    [{ trend: { early: 200, late: 341 } }, 'latency rose: median 200 -> 341 ms'],
    [{ trend: { early: 1013, late: 1100 } }, 'latency rose: median 1013 -> 1100 ms'],
    [{ trend: { early: NaN, late: NaN } }, 'latency rose: median NaN -> NaN ms'],
    [{ failed: 3 }, '3 POSTs not accepted'],
    [{ failed: 3, failures: { ECONNRESET: 2, 'HTTP 503': 1 } }, '3 POSTs not accepted (ECONNRESET 2, HTTP 503 1)'],
    [{ postSeconds: 13 }, 'POSTs took 13.0 s, not 12'],
    [{ completed: 1100 }, '100 of 1200 not completed'],
  ])('refuses %j', (change, why) => {
    expect(judgeStep(criteria, { ...good, ...change })).toEqual({ sustained: false, why });
  });
});

describe('nextRate', () => {
  const s = { resolution: 0.05, growth: 1.2, floor: 50 };
  const step = (rate: number, sustained: boolean) => ({ rate, sustained });

  it('climbs by the growth factor while every rate holds', () => {
    expect(nextRate([step(800, true)], s)).toBe(960);
  });

  it('steps down by a fifth while nothing holds, not below the floor', () => {
    expect(nextRate([step(800, false)], s)).toBe(640);
    expect(nextRate([step(50, false)], s)).toBeUndefined();
  });

  it('bisects between the best held rate and the lowest failed one above it', () => {
    expect(nextRate([step(800, true), step(960, false)], s)).toBe(880);
    expect(nextRate([step(800, true), step(960, false), step(880, true)], s)).toBe(920);
  });

  it('stops once the two are within the resolution', () => {
    expect(nextRate([step(800, true), step(960, false), step(880, true), step(920, false)], s)).toBeUndefined();
  });

  it('ignores a failure below the best held rate (noise), and never repeats a rate', () => {
    expect(nextRate([step(800, true), step(700, false)], s)).toBe(960);
    expect(nextRate([step(100, true), step(110, false)], { ...s, resolution: 0 })).toBeUndefined();
  });
});

describe('latencyTrend', () => {
  it('takes the median of the first and of the last third by commit time', () => {
    const files = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ commit: i * 100, latency: i < 5 ? 50 : 50 + i * 10 }));
    expect(latencyTrend(files)).toEqual({ early: 50, late: 120 });
    expect(latencyTrend([])).toEqual({ early: NaN, late: NaN });
  });
});
