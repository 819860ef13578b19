import { firstAction, initialSchedule, nextStep, type ScheduleConfig } from './relay-schedule';

const config: ScheduleConfig = {
  batchSize: 100,
  lingerMs: 8,
  pollIntervalMs: 1_000,
  errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
  random: () => 0.5,
};
const claimed = (rows: number, o: { notified?: boolean; stood?: boolean; withdrew?: boolean } = {}) =>
  ({
    kind: 'claimed',
    rows,
    notified: o.notified ?? false,
    requestStood: (o.stood ?? false) || (o.notified ?? false),
    withdrew: o.withdrew ?? false,
  }) as const;

describe('nextStep', () => {
  it('starts with a claim that keeps the wake-up request as it is', () => {
    expect(firstAction).toEqual({ kind: 'claim', withdraw: false });
  });

  describe('after a claim', () => {
    it('looks for held-back rows when it took none', () => {
      expect(nextStep({ ...initialSchedule, failures: 2 }, claimed(0), config)).toEqual({
        state: initialSchedule,
        action: { kind: 'look' },
      });
    });

    it('under load (3+ rows, batch not full) with notifications marks the request for withdrawal and lingers, deaf to notifications', () => {
      const { state, action } = nextStep(
        { ...initialSchedule, idleRetries: 4 },
        claimed(3, { notified: true }),
        config,
      );
      expect(state).toEqual({ ...initialSchedule, withdrawRequest: true, idleRetries: 0 });
      expect(action).toEqual({ kind: 'wait', ms: 8, wakeOnNotify: false });
      // ... and the claim after the linger lowers the request first.
      expect(nextStep(state, { kind: 'waited' }, config).action).toEqual({ kind: 'claim', withdraw: true });
    });

    it('under load without notifications (the request is lowered already) withdraws nothing', () => {
      const { state, action } = nextStep(initialSchedule, claimed(100), config);
      expect(state.withdrawRequest).toBe(false);
      expect(action).toEqual({ kind: 'claim', withdraw: false });
    });

    it('a notification that woke it before the claim counts as the request standing', () => {
      expect(nextStep(initialSchedule, claimed(100, { stood: true }), config).action).toEqual({
        kind: 'claim',
        withdraw: true,
      });
      // ... but does not make a trickle claim again: only one during the claim says rows came.
      expect(nextStep(initialSchedule, claimed(1, { stood: true }), config).action).toEqual({ kind: 'look' });
    });

    it('claims again at once after a full batch (a backlog) or without linger', () => {
      expect(nextStep(initialSchedule, claimed(100, { notified: true }), config).action).toEqual({
        kind: 'claim',
        withdraw: true,
      });
      expect(nextStep(initialSchedule, claimed(5, { notified: true }), { ...config, lingerMs: 0 }).action).toEqual({
        kind: 'claim',
        withdraw: true,
      });
    });

    it('forgets the withdrawal once a claim made it, and makes it again if writers still notify', () => {
      const withdrawing = { ...initialSchedule, withdrawRequest: true };
      const { state, action } = nextStep(withdrawing, claimed(100, { withdrew: true }), config);
      expect(state).toEqual(initialSchedule);
      expect(action).toEqual({ kind: 'claim', withdraw: false });
      // A writer that read the request before it was lowered still notifies: lower it again (a no-op).
      expect(nextStep(withdrawing, claimed(100, { withdrew: true, notified: true }), config).action).toEqual({
        kind: 'claim',
        withdraw: true,
      });
    });

    it('under a trickle (1-2 rows) claims again only if notified, and otherwise looks', () => {
      expect(nextStep(initialSchedule, claimed(2), config)).toEqual({
        state: initialSchedule,
        action: { kind: 'look' },
      });
      expect(nextStep(initialSchedule, claimed(1, { notified: true }), config).action).toEqual({
        kind: 'claim',
        withdraw: false,
      });
    });

    it('with a batch size under 3, a full batch is load', () => {
      const small = { ...config, batchSize: 2 };
      const { state, action } = nextStep(initialSchedule, claimed(2, { notified: true }), small);
      expect(state.withdrawRequest).toBe(true);
      expect(action).toEqual({ kind: 'claim', withdraw: true });
    });
  });

  describe('after a look', () => {
    it('retries soon, 2 ms doubling to 64, while rows are held back', () => {
      let state = initialSchedule;
      const delays: number[] = [];
      for (let i = 0; i < 8; i++) {
        const next = nextStep(state, { kind: 'looked', rowsWaiting: true, wakeupRaised: false }, config);
        state = next.state;
        if (next.action.kind === 'wait') delays.push(next.action.ms);
        expect(next.action).toMatchObject({ kind: 'wait', wakeOnNotify: true });
      }
      expect(delays).toEqual([2, 4, 8, 16, 32, 64, 64, 64]);
      expect(
        nextStep(
          initialSchedule,
          { kind: 'looked', rowsWaiting: true, wakeupRaised: false },
          { ...config, pollIntervalMs: 1 },
        ).action,
      ).toMatchObject({ ms: 1 });
    });

    it('with no rows left raises the request, or sleeps until notified if it stands (whoever raised it)', () => {
      expect(
        nextStep(initialSchedule, { kind: 'looked', rowsWaiting: false, wakeupRaised: false }, config).action,
      ).toEqual({
        kind: 'request-wakeup',
      });
      expect(
        nextStep(initialSchedule, { kind: 'looked', rowsWaiting: false, wakeupRaised: true }, config).action,
      ).toEqual({
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
      expect(state).toEqual(initialSchedule);
      expect(action).toEqual({ kind: 'claim', withdraw: false });
    });

    it('retries soon when a writer held the lock', () => {
      const { state, action } = nextStep(initialSchedule, { kind: 'wakeup-requested', raised: false }, config);
      expect(state.idleRetries).toBe(1);
      expect(action).toEqual({ kind: 'wait', ms: 2, wakeOnNotify: true });
    });
  });

  it('claims again at once after a refusal', () => {
    expect(nextStep(initialSchedule, { kind: 'refused' }, config)).toEqual({
      state: initialSchedule,
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
