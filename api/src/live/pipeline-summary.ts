import type { Registry } from '@fileflow/common';
import { countOutboxDeadLetters, outboxBacklog, ownerSummary, type Db, type Owner } from '@fileflow/db';

/** The sum of a metric's current values in `registry` (0 when it has none). */
async function metricSum(registry: Registry | undefined, name: string): Promise<number> {
  const metric = registry?.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * The live page's health strip: the outbox's backlog and its oldest row's age, the status
 * consumer's lag and dead letters (from this process's metrics), the outbox's dead letters, and
 * the caller's own files by status with its latest failures (last 24 h). Another owner's files
 * never show.
 */
export async function pipelineSummary(db: Db, owner: Owner, registry: Registry | undefined, now: Date) {
  const [outbox, mine, outboxDeadLetters, lag, deadLetters] = await Promise.all([
    outboxBacklog(db),
    ownerSummary(db, owner, new Date(now.getTime() - 24 * 3600_000)),
    countOutboxDeadLetters(db),
    metricSum(registry, 'fileflow_consumer_lag'),
    metricSum(registry, 'fileflow_dead_letters_total'),
  ]);
  return {
    outbox: { backlog: outbox.count, oldestAgeSeconds: (outbox.oldestAgeMs ?? 0) / 1000 },
    statusConsumer: { lag, deadLetters },
    outboxDeadLetters,
    files: mine.byStatus,
    recentFailures: mine.failures.map((f) => ({ id: f.id, error: f.error, at: f.at.toISOString() })),
  };
}
