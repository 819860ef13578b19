import type { FileStatus } from './contracts';

/**
 * The file status machine: pending -> processing -> completed | failed, and only forward.
 * `completed` and `failed` are terminal. A transition to the same or an earlier stage is
 * ignored, so late, duplicated or reordered events can never move a file backwards.
 */
const stage: Record<FileStatus, number> = { pending: 0, processing: 1, completed: 2, failed: 2 };

export type TransitionDecision = { apply: true } | { apply: false; reason: string };

export function decideTransition(current: FileStatus, next: FileStatus): TransitionDecision {
  if (current === next) return { apply: false, reason: `already ${current}` };
  if (stage[next] > stage[current]) return { apply: true };
  if (stage[current] === 2) return { apply: false, reason: `${current} is terminal; ${next} ignored` };
  return { apply: false, reason: `${next} would move ${current} backwards` };
}

export const isTerminal = (s: FileStatus): boolean => stage[s] === 2;
