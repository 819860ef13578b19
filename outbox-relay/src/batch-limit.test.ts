import { fullBatch, nextBatchLimit, type BatchLimitState } from './batch-limit';

const size = 8;

/** Run a scripted outbox through the decision: `bad` rows are refused in any batch that holds them. */
function simulate(rows: number, bad: ReadonlySet<number>) {
  let state: BatchLimitState = fullBatch(size);
  let next = 0;
  const published: number[] = [];
  const dead: number[] = [];
  let claims = 0;
  while (next < rows && claims < 1_000) {
    claims += 1;
    const batch = Array.from({ length: Math.min(state.rows, rows - next) }, (_, i) => next + i);
    if (batch.some((r) => bad.has(r))) {
      const r = nextBatchLimit(state, { kind: 'refused', rows: batch.length }, size);
      state = r.state;
      if (r.decision.kind === 'dead-letter') {
        dead.push(batch[0]!);
        next += 1;
      }
      continue;
    }
    published.push(...batch);
    next += batch.length;
    state = nextBatchLimit(state, { kind: 'published', rows: batch.length }, size).state;
  }
  return { published, dead, claims, state };
}

describe('nextBatchLimit', () => {
  it('leaves a full claim full while batches go through', () => {
    expect(nextBatchLimit(fullBatch(size), { kind: 'published', rows: 8 }, size)).toEqual({
      state: fullBatch(size),
      decision: { kind: 'go-on' },
    });
  });

  it('halves the claim on a refusal of several rows, for as many rows as were refused', () => {
    expect(nextBatchLimit(fullBatch(size), { kind: 'refused', rows: 8 }, size)).toEqual({
      state: { rows: 4, narrowedFor: 8 },
      decision: { kind: 'narrow' },
    });
    expect(nextBatchLimit(fullBatch(size), { kind: 'refused', rows: 3 }, size).state).toEqual({
      rows: 2,
      narrowedFor: 3,
    });
  });

  it('dead-letters a row refused alone', () => {
    expect(nextBatchLimit({ rows: 1, narrowedFor: 2 }, { kind: 'refused', rows: 1 }, size)).toEqual({
      state: { rows: 1, narrowedFor: 1 },
      decision: { kind: 'dead-letter' },
    });
    // Also from a full claim that happened to hold one row (a row larger than the byte budget).
    expect(nextBatchLimit(fullBatch(size), { kind: 'refused', rows: 1 }, size)).toEqual({
      state: fullBatch(size),
      decision: { kind: 'dead-letter' },
    });
  });

  it('is full again once the narrowed rows are through', () => {
    expect(nextBatchLimit({ rows: 4, narrowedFor: 8 }, { kind: 'published', rows: 4 }, size).state).toEqual({
      rows: 4,
      narrowedFor: 4,
    });
    expect(nextBatchLimit({ rows: 4, narrowedFor: 4 }, { kind: 'published', rows: 4 }, size).state).toEqual(
      fullBatch(size),
    );
  });

  it.each([[[0]], [[5]], [[7]], [[3, 4]], [[1, 6, 12]], [[0, 1, 2, 3, 4, 5, 6, 7]]])(
    'isolates bad rows %j: each dead-lettered, every other row published in order, then a full claim',
    (badRows) => {
      const bad = new Set(badRows);
      const { published, dead, claims, state } = simulate(20, bad);
      expect(dead).toEqual(badRows);
      expect(published).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((r) => !bad.has(r)));
      expect(claims).toBeLessThan(20 + 4 * badRows.length);
      expect(state).toEqual(fullBatch(size));
    },
  );
});
