import { counter, histogram, type Registry } from '@fileflow/common';
import type { UploadResult } from './upload-file';

/** What the processor counts of its uploads. */
export interface UploadMetrics {
  /** One upload (its tries in place, or one retry round) took `seconds` and ended with `result`. */
  observe(seconds: number, result: UploadResult): void;
}

export function uploadMetrics(registry: Registry): UploadMetrics {
  const uploads = histogram(registry, 'fileflow_upload_duration_seconds', 'uploads to S3 (the tries of one round)', [
    'outcome',
  ]);
  const failures = counter(registry, 'fileflow_upload_failures_total', 'upload rounds that failed, by reason', [
    'kind',
    'reason',
  ]);
  return {
    observe(seconds, result) {
      uploads.observe({ outcome: result.ok ? 'uploaded' : 'failed' }, seconds);
      if (!result.ok) failures.inc({ kind: result.kind, reason: result.reason });
    },
  };
}
