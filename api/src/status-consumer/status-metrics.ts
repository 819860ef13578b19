import { counter, histogram, isTerminal, latencyBuckets, type Registry } from '@fileflow/common';
import type { AppliedChange } from './apply-status-event';

/** What the status consumer counts, once each change has committed. */
export interface StatusMetrics {
  applied(changes: readonly AppliedChange[], now: number): void;
}

/**
 * Status transitions by from and to (expirations included), and the end-to-end time of every
 * attempt that ends (`completed` or `failed`): from the file's creation (the API's transaction) to
 * the commit of that status.
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
        // An attempt's end; expiry ends the file's lifetime, which is not the pipeline's latency.
        if (isTerminal(c.to) && c.to !== 'expired')
          endToEnd.observe({ status: c.to }, Math.max(0, now - c.createdAt.getTime()) / 1000);
      }
    },
  };
}
