import { compositeLimit, percentOf } from './composite';

describe('compositeLimit', () => {
  it('adds the per-file cost of each stage: one request, three records, one put', () => {
    // 1 ms + 3 x 0.1 ms + 1 ms = 2.3 ms a file
    expect(compositeLimit({ api: 1_000, kafka: 10_000, s3: 1_000 })).toBeCloseTo(1_000 / 2.3, 6);
  });

  it('is below the slowest stage', () => {
    const r = { api: 4_000, kafka: 56_000, s3: 1_200 };
    expect(compositeLimit(r)).toBeLessThan(Math.min(r.api, r.kafka / 3, r.s3));
  });

  it('counts the records per file it is given', () => {
    expect(compositeLimit({ api: 1_000, kafka: 1_000, s3: 1_000 }, 1)).toBeCloseTo(1_000 / 3, 6);
  });

  it('is NaN when a stage is missing, zero or not a number', () => {
    expect(compositeLimit({ api: undefined, kafka: 10_000, s3: 1_000 })).toBeNaN();
    expect(compositeLimit({ api: 1_000, kafka: 0, s3: 1_000 })).toBeNaN();
    expect(compositeLimit({ api: 1_000, kafka: 10_000, s3: NaN })).toBeNaN();
  });
});

describe('percentOf', () => {
  it('is the rate as a share of the limit', () => {
    expect(percentOf(450, 500)).toBeCloseTo(90, 6);
  });

  it('is NaN without a rate or a limit', () => {
    expect(percentOf(undefined, 500)).toBeNaN();
    expect(percentOf(450, NaN)).toBeNaN();
    expect(percentOf(450, 0)).toBeNaN();
  });
});
