import { backoffDelay, type RetryPolicy } from '@fileflow/common';

/**
 * When the polling relay claims, waits, raises or withdraws its wake-up request: a pure
 * `nextStep(state, event)` that the loop in `relay.ts` carries out, one action at a time.
 *
 * - After a batch of `lingerAfterRows` rows or more (load: rows arrive faster than batches
 *   leave) it withdraws its wake-up request in the next claim, so writers stop notifying, and
 *   claims again at once, or (batch not full) after `lingerMs`, so that claim takes more rows.
 * - After a smaller batch (a trickle) while the request stands, writers still notify: it claims
 *   again only if a notification came in meanwhile.
 * - With nothing claimable, rows left are held by a transaction still in flight (the gap-free
 *   rule) or locked by another relay: it looks again soon (2, 4, ... 64 ms). With no rows left
 *   it raises the request (writers then notify) and looks once more, since rows committed before
 *   the request was in place notified nobody; a writer mid-transaction makes the request fail,
 *   and it looks again shortly. With the request raised it sleeps until a notification or the
 *   poll interval.
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
  /** This relay asked writers to NOTIFY (see `requestWakeup`). */
  readonly wakeupRequested: boolean;
  /** Withdraw the request in the next claim: the last batch showed load. */
  readonly withdrawRequest: boolean;
  /** Looks in a row that found rows held back, or a request that could not be raised. */
  readonly idleRetries: number;
  /** Failed steps in a row. */
  readonly failures: number;
}

export type ScheduleEvent =
  /** A claim committed: `rows` left the outbox; `notified`: a notification came in meanwhile. */
  | { readonly kind: 'claimed'; readonly rows: number; readonly notified: boolean; readonly withdrew: boolean }
  | { readonly kind: 'refused' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'looked'; readonly rowsWaiting: boolean }
  | { readonly kind: 'wakeup-requested'; readonly raised: boolean }
  | { readonly kind: 'waited' };

export type ScheduleAction =
  /** Claim a batch; lower the wake-up request in the same transaction if `withdraw`. */
  | { readonly kind: 'claim'; readonly withdraw: boolean }
  /** Sleep `ms`, or until a notification if `wakeOnNotify` (or the relay stops). */
  | { readonly kind: 'wait'; readonly ms: number; readonly wakeOnNotify: boolean }
  /** Look whether any row is left in the outbox, claimable or not. */
  | { readonly kind: 'look' }
  | { readonly kind: 'request-wakeup' };

export const lingerAfterRows = 3;

export const initialSchedule: ScheduleState = {
  wakeupRequested: false,
  withdrawRequest: false,
  idleRetries: 0,
  failures: 0,
};

/** The first action of a relay that starts. */
export const firstAction: ScheduleAction = { kind: 'claim', withdraw: false };

const claim = (s: ScheduleState): ScheduleAction => ({
  kind: 'claim',
  withdraw: s.wakeupRequested && s.withdrawRequest,
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
      let state: ScheduleState = e.withdrew
        ? { ...s, wakeupRequested: false, withdrawRequest: false, failures: 0 }
        : { ...s, failures: 0 };
      if (e.rows === 0) return { state, action: { kind: 'look' } };
      const load = e.rows >= Math.min(lingerAfterRows, c.batchSize);
      state = { ...state, idleRetries: 0, withdrawRequest: state.withdrawRequest || load };
      if (e.rows >= lingerAfterRows && e.rows < c.batchSize && c.lingerMs > 0)
        return { state, action: { kind: 'wait', ms: c.lingerMs, wakeOnNotify: false } };
      // Rows may have committed while this batch was out. Unless writers notify (the request
      // stands and the load is light), claim again; if they do, only a notification says so.
      if (load || !state.wakeupRequested || e.notified) return { state, action: claim(state) };
      return { state, action: { kind: 'look' } };
    }
    case 'looked':
      if (e.rowsWaiting) return heldBack(c, s);
      if (!s.wakeupRequested) return { state: s, action: { kind: 'request-wakeup' } };
      return { state: s, action: { kind: 'wait', ms: c.pollIntervalMs, wakeOnNotify: true } };
    case 'wakeup-requested':
      if (!e.raised) return heldBack(c, s);
      // The next claim is the look once more: it keeps the request.
      return {
        state: { ...s, idleRetries: 0, wakeupRequested: true, withdrawRequest: false },
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
