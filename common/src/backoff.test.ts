import { backoffDelay, nextRetry, retry, RetriesExhaustedError, type RetryBudget, type RetryPolicy } from './backoff';

const policy: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };

describe('backoffDelay', () => {
  it('grows exponentially up to the cap (random = 1 gives the cap itself)', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within [0, cap]', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
  });
});

describe('retry', () => {
  const noSleep = () => Promise.resolve();

  it('returns the first success', async () => {
    let calls = 0;
    const result = await retry(
      (attempt) => {
        calls++;
        return attempt < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve('ok');
      },
      policy,
      { sleep: noSleep },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the policy attempts with the last error as cause', async () => {
    const sleeps: number[] = [];
    const err = await retry(() => Promise.reject(new Error('down')), policy, {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(4);
    expect(((err as RetriesExhaustedError).cause as Error).message).toBe('down');
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('does not retry what isRetryable rejects', async () => {
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(new Error('fatal'));
        },
        policy,
        { sleep: noSleep, isRetryable: () => false },
      ),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });
});

describe('nextRetry', () => {
  const budget: RetryBudget = { budgetMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 8_000, factor: 2 };
  const t0 = 1_000_000;

  it('spaces the rounds by full-jitter backoff from now', () => {
    expect(nextRetry(budget, { firstFailedAt: t0, round: 1 }, t0 + 10, () => 1)).toEqual({
      retry: true,
      notBefore: t0 + 1_010,
    });
    expect(nextRetry(budget, { firstFailedAt: t0, round: 3 }, t0 + 5_000, () => 0.5)).toEqual({
      retry: true,
      notBefore: t0 + 7_000,
    });
    expect(nextRetry(budget, { firstFailedAt: t0, round: 9 }, t0 + 20_000, () => 1)).toEqual({
      retry: true,
      notBefore: t0 + 28_000,
    });
  });

  it('never schedules past the deadline, so the last round happens at it', () => {
    expect(nextRetry(budget, { firstFailedAt: t0, round: 9 }, t0 + 57_000, () => 1)).toEqual({
      retry: true,
      notBefore: t0 + 60_000,
    });
  });

  it('gives up once the budget is spent, saying how long it tried', () => {
    expect(nextRetry(budget, { firstFailedAt: t0, round: 12 }, t0 + 60_000)).toEqual({
      retry: false,
      elapsedMs: 60_000,
    });
    expect(nextRetry(budget, { firstFailedAt: t0, round: 12 }, t0 + 61_500)).toEqual({
      retry: false,
      elapsedMs: 61_500,
    });
  });
});
