/** How retries of one operation are spaced and bounded. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/** How delays grow: what `backoffDelay` needs of a policy. */
export type BackoffShape = Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs' | 'factor'>;

/**
 * Delay before retry number `attempt` (1-based): exponential with "full jitter"
 * (a uniform pick in [0, cap]), which spreads out retries of many clients at once.
 */
export function backoffDelay(policy: BackoffShape, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));
  return Math.round(cap * random());
}

/** Retries bounded by time: keep trying for `budgetMs` after the first failure, spaced by backoff. */
export interface RetryBudget extends BackoffShape {
  readonly budgetMs: number;
}

export type BudgetDecision = { retry: true; notBefore: number } | { retry: false; elapsedMs: number };

/**
 * After round `round` (1-based) of retries of an operation that first failed at `firstFailedAt`
 * (all times in ms since the epoch) failed at `now`: try again no earlier than `notBefore`
 * (full-jitter backoff, capped at the deadline, so the last try happens at it), or give up once
 * the budget is spent. Pure; `random` is passed in so tests can pin the jitter.
 */
export function nextRetry(
  budget: RetryBudget,
  state: { readonly firstFailedAt: number; readonly round: number },
  now: number,
  random: () => number = Math.random,
): BudgetDecision {
  const deadline = state.firstFailedAt + budget.budgetMs;
  if (now >= deadline) return { retry: false, elapsedMs: now - state.firstFailedAt };
  return { retry: true, notBefore: Math.min(now + backoffDelay(budget, state.round, random), deadline) };
}

/** Raised by `retry` when every attempt failed; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * Run `op` until it succeeds, `isRetryable` says no, or the attempts run out.
 * `sleep` is passed in so tests need not wait.
 */
export async function retry<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: {
    isRetryable?: (err: unknown) => boolean;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
  } = {},
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (opts.isRetryable && !opts.isRetryable(err)) throw err;
      if (attempt >= policy.attempts) throw new RetriesExhaustedError(attempt, err);
      const delay = backoffDelay(policy, attempt, opts.random);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}

/**
 * Start something that depends on a server which may not be up yet (Kafka at boot): retry
 * `start` with backoff until it succeeds or `stopped()` says to give up. Never throws.
 */
export async function startWhenReachable(
  what: string,
  start: () => Promise<void>,
  logger: { warn(msg: string, fields?: Record<string, unknown>): void },
  stopped: () => boolean = () => false,
  policy: RetryPolicy = { attempts: Infinity, initialDelayMs: 500, maxDelayMs: 15_000, factor: 2 },
): Promise<boolean> {
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      await start();
      return true;
    } catch (err) {
      const delayMs = backoffDelay(policy, attempt);
      logger.warn(`${what} could not start; retrying`, {
        attempt,
        delayMs,
        err: err instanceof Error ? err.message : String(err),
      });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  return false;
}
