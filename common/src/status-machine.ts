import type { FileStatus } from './contracts';

/**
 * The file status machine, within one attempt: pending -> processing -> completed | failed, and
 * only forward. `completed` and `failed` are terminal for the attempt. A transition to the same
 * or an earlier stage is ignored, so late, duplicated or reordered events can never move a file
 * backwards. A failed file can start a new attempt (`decideRetry`), back at `pending`.
 * `expired` (the file's object deleted) follows any other status, whatever the attempt, and is
 * final for the file.
 */
const stage: Record<FileStatus, number> = { pending: 0, processing: 1, completed: 2, failed: 2, expired: 3 };

export type TransitionDecision = { apply: true } | { apply: false; reason: string };

export function decideTransition(current: FileStatus, next: FileStatus): TransitionDecision {
  if (current === next) return { apply: false, reason: `already ${current}` };
  if (stage[next] > stage[current]) return { apply: true };
  if (isTerminal(current)) return { apply: false, reason: `${current} is terminal; ${next} ignored` };
  return { apply: false, reason: `${next} would move ${current} backwards` };
}

/** Whether the status ends an attempt (`completed`, `failed`) or the file (`expired`). */
export const isTerminal = (s: FileStatus): boolean => stage[s] >= 2;

/** Where a file stands: which attempt it is on, and that attempt's status. */
export interface FileState {
  readonly status: FileStatus;
  readonly attempt: number;
}

/**
 * A number that grows with every change a file's state can make (a forward move within an
 * attempt, or a new attempt), so of two views of one file the one with the larger version is the
 * newer. Caches use it to refuse a stale write.
 */
export const fileVersion = (s: FileState): number => s.attempt * 4 + stage[s.status];

/** The largest attempt number (the `files.attempt` column is an INTEGER). */
export const maxAttempt = 2_147_483_647;

/**
 * Decide a status event of attempt `next.attempt` against the file's state. Only events of the
 * file's current attempt can apply (then by `decideTransition`): a late event of an earlier
 * attempt can never change a later one.
 */
export function decideEvent(current: FileState, next: FileState): TransitionDecision {
  // The file's deletion ends it whatever attempt it is on.
  if (next.status === 'expired' || current.status === 'expired') return decideTransition(current.status, next.status);
  if (next.attempt < current.attempt) {
    return { apply: false, reason: `attempt ${next.attempt} is over (the file is on attempt ${current.attempt})` };
  }
  if (next.attempt > current.attempt) {
    return {
      apply: false,
      reason: `attempt ${next.attempt} was never started (the file is on attempt ${current.attempt})`,
    };
  }
  return decideTransition(current.status, next.status);
}

export type RetryDecision = { retry: true; attempt: number } | { retry: false; reason: string };

/** Only a `failed` file can be tried again (never one being deleted: the caller checks that): as the next attempt, which starts over at `pending`. */
export function decideRetry(current: FileState): RetryDecision {
  if (current.status !== 'failed') {
    return { retry: false, reason: `the file is ${current.status}; only a failed file can be retried` };
  }
  if (current.attempt >= maxAttempt) return { retry: false, reason: `the file has used all ${maxAttempt} attempts` };
  return { retry: true, attempt: current.attempt + 1 };
}
