import { counter, histogram, isTerminal, latencyBuckets, type Registry } from '@fileflow/common';
import type { AppliedChange } from './apply-status-event';

/** What the status consumer counts, once each change has committed. */
export interface StatusMetrics {
  applied(changes: readonly AppliedChange[], now: number): void;
}

/**
 * Status transitions by from and to, and the end-to-end time of every file that reaches a final
 * status: from its creation (the API's transaction) to the commit of that status.
 */
export function statusMetrics(registry: Registry): StatusMetrics {
  const transitions = counter(registry, 'fileflow_status_transitions_total', 'file status changes applied', [
    'from',
    'to',
  ]);
  const endToEnd = histogram(
    registry,
    'fileflow_file_end_to_end_seconds',
    "from a file's creation to its final status (completed or failed), per attempt that ends",
    ['status'],
    [...latencyBuckets, 120, 300, 600],
  );
  return {
    applied(changes, now) {
      for (const c of changes) {
        transitions.inc({ from: c.from, to: c.to });
        if (isTerminal(c.to)) endToEnd.observe({ status: c.to }, Math.max(0, now - c.createdAt.getTime()) / 1000);
      }
    },
  };
}
