import { firstAction, initialSchedule, nextStep, type ScheduleConfig, type ScheduleState } from './relay-schedule';

const config: ScheduleConfig = {
  batchSize: 100,
  lingerMs: 8,
  pollIntervalMs: 1_000,
  errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
  random: () => 0.5,
};
const requested: ScheduleState = { ...initialSchedule, wakeupRequested: true };
const claimed = (rows: number, o: { notified?: boolean; withdrew?: boolean } = {}) =>
  ({ kind: 'claimed', rows, notified: o.notified ?? false, withdrew: o.withdrew ?? false }) as const;

describe('nextStep', () => {
  it('starts with a claim that keeps the wake-up request as it is', () => {
    expect(firstAction).toEqual({ kind: 'claim', withdraw: false });
  });

  describe('after a claim', () => {
    it('looks for held-back rows when it took none', () => {
      expect(nextStep({ ...requested, failures: 2 }, claimed(0), config)).toEqual({
        state: { ...requested, failures: 0 },
        action: { kind: 'look' },
      });
    });

    it('under load (3+ rows, batch not full) marks the request for withdrawal and lingers, deaf to notifications', () => {
      const { state, action } = nextStep({ ...requested, idleRetries: 4 }, claimed(3), config);
      expect(state).toEqual({ ...requested, withdrawRequest: true, idleRetries: 0 });
      expect(action).toEqual({ kind: 'wait', ms: 8, wakeOnNotify: false });
      // ... and the claim after the linger lowers the request in its transaction.
      expect(nextStep(state, { kind: 'waited' }, config).action).toEqual({ kind: 'claim', withdraw: true });
    });

    it('claims again at once after a full batch (a backlog) or without linger', () => {
      expect(nextStep(requested, claimed(100), config).action).toEqual({ kind: 'claim', withdraw: true });
      expect(nextStep(requested, claimed(5), { ...config, lingerMs: 0 }).action).toEqual({
        kind: 'claim',
        withdraw: true,
      });
    });

    it('forgets the request once a claim withdrew it', () => {
      const withdrawing = { ...requested, withdrawRequest: true };
      const { state, action } = nextStep(withdrawing, claimed(100, { withdrew: true }), config);
      expect(state).toEqual({ ...initialSchedule, withdrawRequest: true });
      expect(action).toEqual({ kind: 'claim', withdraw: false });
    });

    it('under a trickle (1-2 rows) with the request raised, claims again only if notified', () => {
      expect(nextStep(requested, claimed(2), config)).toEqual({ state: requested, action: { kind: 'look' } });
      expect(nextStep(requested, claimed(1, { notified: true }), config).action).toEqual({
        kind: 'claim',
        withdraw: false,
      });
    });

    it('under a trickle without a request (writers do not notify), claims again at once', () => {
      expect(nextStep(initialSchedule, claimed(1), config).action).toEqual({ kind: 'claim', withdraw: false });
    });

    it('with a batch size under 3, a full batch is load', () => {
      const small = { ...config, batchSize: 2 };
      const { state, action } = nextStep(requested, claimed(2), small);
      expect(state.withdrawRequest).toBe(true);
      expect(action).toEqual({ kind: 'claim', withdraw: true });
    });
  });

  describe('after a look', () => {
    it('retries soon, 2 ms doubling to 64, while rows are held back', () => {
      let state = initialSchedule;
      const delays: number[] = [];
      for (let i = 0; i < 8; i++) {
        const next = nextStep(state, { kind: 'looked', rowsWaiting: true }, config);
        state = next.state;
        if (next.action.kind === 'wait') delays.push(next.action.ms);
        expect(next.action).toMatchObject({ kind: 'wait', wakeOnNotify: true });
      }
      expect(delays).toEqual([2, 4, 8, 16, 32, 64, 64, 64]);
      expect(
        nextStep(initialSchedule, { kind: 'looked', rowsWaiting: true }, { ...config, pollIntervalMs: 1 }).action,
      ).toMatchObject({ ms: 1 });
    });

    it('with no rows left raises the request, or sleeps until notified if it stands', () => {
      expect(nextStep(initialSchedule, { kind: 'looked', rowsWaiting: false }, config).action).toEqual({
        kind: 'request-wakeup',
      });
      expect(nextStep(requested, { kind: 'looked', rowsWaiting: false }, config).action).toEqual({
        kind: 'wait',
        ms: 1_000,
        wakeOnNotify: true,
      });
    });
  });

  describe('after asking for notifications', () => {
    it('looks once more with the request kept when it was raised', () => {
      const { state, action } = nextStep(
        { ...initialSchedule, idleRetries: 3, withdrawRequest: true },
        { kind: 'wakeup-requested', raised: true },
        config,
      );
      expect(state).toEqual({ ...initialSchedule, wakeupRequested: true });
      expect(action).toEqual({ kind: 'claim', withdraw: false });
    });

    it('retries soon when a writer held the lock', () => {
      const { state, action } = nextStep(initialSchedule, { kind: 'wakeup-requested', raised: false }, config);
      expect(state.idleRetries).toBe(1);
      expect(action).toEqual({ kind: 'wait', ms: 2, wakeOnNotify: true });
    });
  });

  it('claims again at once after a refusal', () => {
    expect(nextStep(requested, { kind: 'refused' }, config)).toEqual({
      state: requested,
      action: { kind: 'claim', withdraw: false },
    });
  });

  it('backs off exponentially with jitter after failures, deaf to notifications, and forgets them after a claim', () => {
    let state = initialSchedule;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = nextStep(state, { kind: 'failed' }, config);
      state = next.state;
      expect(next.action).toMatchObject({ kind: 'wait', wakeOnNotify: false });
      if (next.action.kind === 'wait') delays.push(next.action.ms);
    }
    expect(delays).toEqual([50, 100, 200, 400, 800, 1_600, 2_500, 2_500]);
    expect(nextStep(state, claimed(0), config).state.failures).toBe(0);
  });
});
