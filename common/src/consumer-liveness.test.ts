import { isStalled, keepHeartbeating, losesMembership } from './consumer-liveness';

/** KafkaJS's protocol errors carry the Kafka error name in `type`. */
const kafkaError = (type: string) => Object.assign(new Error(type), { type });

describe('losesMembership', () => {
  it('is true for the errors that mean a rebalance or a dropped member, false otherwise', () => {
    expect(losesMembership(kafkaError('REBALANCE_IN_PROGRESS'))).toBe(true);
    expect(losesMembership(kafkaError('UNKNOWN_MEMBER_ID'))).toBe(true);
    expect(losesMembership(kafkaError('ILLEGAL_GENERATION'))).toBe(true);
    expect(losesMembership(kafkaError('REQUEST_TIMED_OUT'))).toBe(false);
    expect(losesMembership(new Error('Connection error'))).toBe(false);
    expect(losesMembership('REBALANCE_IN_PROGRESS')).toBe(false);
    expect(losesMembership(null)).toBe(false);
  });
});

describe('keepHeartbeating', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats every interval until stopped, one at a time', async () => {
    let beats = 0;
    const loop = keepHeartbeating(
      () => {
        beats += 1;
        return Promise.resolve();
      },
      1_000,
      () => undefined,
    );
    await jest.advanceTimersByTimeAsync(999);
    expect(beats).toBe(0);
    await jest.advanceTimersByTimeAsync(3_001);
    expect(beats).toBe(4);
    await expect(loop.stop()).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(beats).toBe(4);
    expect(loop.signal.aborted).toBe(false);
  });

  it('reports other failures and goes on', async () => {
    const errors: unknown[] = [];
    let beats = 0;
    const loop = keepHeartbeating(
      () => {
        beats += 1;
        return beats === 1 ? Promise.reject(new Error('Connection error')) : Promise.resolve();
      },
      1_000,
      (err) => errors.push(err),
    );
    await jest.advanceTimersByTimeAsync(3_000);
    expect(beats).toBe(3);
    expect(errors).toEqual([new Error('Connection error')]);
    await loop.stop();
  });

  it('stops and aborts its signal with the error once a heartbeat says the group rebalances', async () => {
    const rebalance = kafkaError('REBALANCE_IN_PROGRESS');
    let beats = 0;
    const loop = keepHeartbeating(
      () => {
        beats += 1;
        return beats === 2 ? Promise.reject(rebalance) : Promise.resolve();
      },
      1_000,
      () => undefined,
    );
    await jest.advanceTimersByTimeAsync(5_000);
    expect(beats).toBe(2);
    expect(loop.signal.aborted).toBe(true);
    expect(loop.signal.reason).toBe(rebalance);
    await expect(loop.stop()).resolves.toBe(rebalance);
  });

  it('never lets a rejection escape, even when the error callback throws', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const loop = keepHeartbeating(
        () => Promise.reject(new Error('Connection error')),
        1_000,
        () => {
          throw new Error('logger broke');
        },
      );
      await jest.advanceTimersByTimeAsync(3_000);
      await loop.stop();
      jest.useRealTimers();
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('isStalled', () => {
  const base = { now: 100_000, lastActivityAt: 30_000, slicesInFlight: 0, stallMs: 60_000 };

  it('is true once stallMs passed without activity and no slice is in flight', () => {
    expect(isStalled(base)).toBe(true);
    expect(isStalled({ ...base, lastActivityAt: 40_000 })).toBe(true);
    expect(isStalled({ ...base, lastActivityAt: 40_001 })).toBe(false);
  });

  it('is never true while a slice is in flight (it holds the next fetch back)', () => {
    expect(isStalled({ ...base, slicesInFlight: 1, lastActivityAt: 0 })).toBe(false);
  });
});
