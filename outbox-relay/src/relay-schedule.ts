import { backoffDelay, type RetryPolicy } from '@fileflow/common';

/**
 * When the polling relay claims, waits, raises or withdraws the wake-up request: a pure
 * `nextStep(state, event)` that the loop in `relay.ts` carries out, one action at a time.
 *
 * The wake-up request (`outbox_wakeup.requested`) is shared by every relay of the database, so a
 * relay never trusts what it last did to it: it reads the request when it looks (`looked`), and
 * a notification is the proof that it stands (writers notify only while it does).
 *
 * - After a batch of `lingerAfterRows` rows or more (load: rows arrive faster than batches
 *   leave) with the request standing (a notification came in since the last claim), it withdraws the request before its next claim, so
 *   writers stop notifying, and claims again at once, or (batch not full) after `lingerMs`, so
 *   that claim takes more rows.
 * - After a smaller batch (a trickle) it claims again only if a notification came in meanwhile;
 *   otherwise it looks.
 * - With nothing claimable, rows left are held by a transaction still in flight (the gap-free
 *   rule) or locked by another relay: it looks again soon (2, 4, ... 64 ms). With no rows left
 *   and the request lowered it raises the request (writers then notify) and claims once more,
 *   since rows committed before the request was in place notified nobody; a writer
 *   mid-transaction makes the request fail, and it looks again shortly. With no rows left and
 *   the request standing (raised by this relay or another) it sleeps until a notification or
 *   the poll interval.
 * - A failed step backs off exponentially with full jitter, deaf to notifications; a batch the
 *   broker refused is claimed again at once, smaller (`batch-limit.ts`).
 */
export interface ScheduleConfig {
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly pollIntervalMs: number;
  readonly errorBackoff: RetryPolicy;
  readonly random?: () => number;
}

export interface ScheduleState {
  /** Withdraw the request before the next claim: the last batch showed load, and writers notified. */
  readonly withdrawRequest: boolean;
  /** Looks in a row that found rows held back, or a request that could not be raised. */
  readonly idleRetries: number;
  /** Failed steps in a row. */
  readonly failures: number;
}

export type ScheduleEvent =
  /**
   * A claim committed: `rows` left the outbox; `notified`: a notification came in meanwhile;
   * `requestStood`: a notification came in since the claim before it began (that one's wake-up
   * included), so the wake-up request stood then.
   */
  | {
      readonly kind: 'claimed';
      readonly rows: number;
      readonly notified: boolean;
      readonly requestStood: boolean;
      readonly withdrew: boolean;
    }
  | { readonly kind: 'refused' }
  | { readonly kind: 'failed' }
  /** `rowsWaiting`: any row left in the outbox; `wakeupRaised`: the request stands (whoever raised it). */
  | { readonly kind: 'looked'; readonly rowsWaiting: boolean; readonly wakeupRaised: boolean }
  | { readonly kind: 'wakeup-requested'; readonly raised: boolean }
  | { readonly kind: 'waited' };

export type ScheduleAction =
  /** Claim a batch; if `withdraw`, first lower the wake-up request (a statement of its own). */
  | { readonly kind: 'claim'; readonly withdraw: boolean }
  /** Sleep `ms`, or until a notification if `wakeOnNotify` (or the relay stops). */
  | { readonly kind: 'wait'; readonly ms: number; readonly wakeOnNotify: boolean }
  /** Look whether any row is left in the outbox, claimable or not, and whether the request stands. */
  | { readonly kind: 'look' }
  | { readonly kind: 'request-wakeup' };

export const lingerAfterRows = 3;

export const initialSchedule: ScheduleState = {
  withdrawRequest: false,
  idleRetries: 0,
  failures: 0,
};

/** The first action of a relay that starts. */
export const firstAction: ScheduleAction = { kind: 'claim', withdraw: false };

const claim = (s: ScheduleState): ScheduleAction => ({
  kind: 'claim',
  withdraw: s.withdrawRequest,
});

/** 2, 4, ... 64 ms (or the poll interval if shorter): something in flight will finish soon. */
const retryDelay = (c: ScheduleConfig, retries: number) => Math.min(c.pollIntervalMs, 2 ** Math.min(retries, 6));

const heldBack = (c: ScheduleConfig, s: ScheduleState) => {
  const state = { ...s, idleRetries: s.idleRetries + 1 };
  return { state, action: { kind: 'wait', ms: retryDelay(c, state.idleRetries), wakeOnNotify: true } as const };
};

export function nextStep(
  s: ScheduleState,
  e: ScheduleEvent,
  c: ScheduleConfig,
): { state: ScheduleState; action: ScheduleAction } {
  switch (e.kind) {
    case 'claimed': {
      let state: ScheduleState = { ...s, failures: 0, withdrawRequest: e.withdrew ? false : s.withdrawRequest };
      if (e.rows === 0) return { state, action: { kind: 'look' } };
      const load = e.rows >= Math.min(lingerAfterRows, c.batchSize);
      state = { ...state, idleRetries: 0, withdrawRequest: state.withdrawRequest || (load && e.requestStood) };
      if (e.rows >= lingerAfterRows && e.rows < c.batchSize && c.lingerMs > 0)
        return { state, action: { kind: 'wait', ms: c.lingerMs, wakeOnNotify: false } };
      // Rows may have committed while this batch was out: under load, claim again; under a
      // trickle, a notification says so, and without one a look finds out.
      if (load || e.notified) return { state, action: claim(state) };
      return { state, action: { kind: 'look' } };
    }
    case 'looked':
      if (e.rowsWaiting) return heldBack(c, s);
      if (!e.wakeupRaised) return { state: s, action: { kind: 'request-wakeup' } };
      return { state: s, action: { kind: 'wait', ms: c.pollIntervalMs, wakeOnNotify: true } };
    case 'wakeup-requested':
      if (!e.raised) return heldBack(c, s);
      // Once more: rows committed before the request stood notified nobody.
      return {
        state: { ...s, idleRetries: 0, withdrawRequest: false },
        action: { kind: 'claim', withdraw: false },
      };
    case 'waited':
    case 'refused':
      return { state: s, action: claim(s) };
    case 'failed': {
      const state = { ...s, failures: s.failures + 1 };
      return {
        state,
        action: { kind: 'wait', ms: backoffDelay(c.errorBackoff, state.failures, c.random), wakeOnNotify: false },
      };
    }
  }
}
