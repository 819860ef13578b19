import { counter, errorKind, gauge, histogram, type Registry } from '@fileflow/common';
import { outboxBacklog, type Db } from '@fileflow/db';
import type { PublishObserver } from './publish-batch';

/**
 * The outbox as Prometheus sees it, in either relay mode: rows waiting and the age of the oldest
 * (read from PostgreSQL at each scrape).
 */
export function outboxMetrics(registry: Registry, db: Db): void {
  let last: Promise<{ count: number; oldestAgeMs: number | null }> | undefined;
  // One query per scrape for both gauges.
  const read = () => (last ??= outboxBacklog(db).finally(() => setTimeout(() => (last = undefined), 100)));
  gauge(registry, 'fileflow_outbox_backlog_rows', 'outbox rows waiting to be published', [], async function () {
    this.set((await read()).count);
  });
  gauge(
    registry,
    'fileflow_outbox_oldest_age_seconds',
    'age of the oldest outbox row (0: none)',
    [],
    async function () {
      this.set(((await read()).oldestAgeMs ?? 0) / 1000);
    },
  );
}

/** What the polling relay counts: batches, rows, failures, and how long a row waited to be published. */
export function relayMetrics(registry: Registry): PublishObserver & { failed(err: unknown): void } {
  const batches = counter(registry, 'fileflow_relay_batches_total', 'batches the polling relay published');
  const rows = counter(registry, 'fileflow_relay_rows_published_total', 'outbox rows published', ['topic']);
  const deadLettered = counter(
    registry,
    'fileflow_relay_rows_dead_lettered_total',
    'outbox rows the broker refused for good',
    ['topic'],
  );
  const failures = counter(
    registry,
    'fileflow_relay_failures_total',
    'relay steps that failed (rows stay for the next)',
    ['kind'],
  );
  const commitToPublished = histogram(
    registry,
    'fileflow_relay_commit_to_published_seconds',
    "from an outbox row's write to the broker's acknowledgement of its record",
  );
  return {
    published(published, _sentAt, ackedAt) {
      batches.inc();
      for (const row of published) {
        rows.inc({ topic: row.topic });
        commitToPublished.observe(Math.max(0, ackedAt - row.created_at.getTime()) / 1000);
      }
    },
    deadLettered(row) {
      deadLettered.inc({ topic: row.topic });
    },
    failed(err) {
      failures.inc({ kind: errorKind(err) });
    },
  };
}

/** Kafka Connect and the replication slot, in Debezium mode (read at each scrape). */
export function debeziumMetrics(
  registry: Registry,
  o: {
    status: () => Promise<{ connector: string; task: string } | undefined>;
    slot: () => Promise<{ lagBytes: number; retainedWalBytes: number } | undefined>;
  },
): void {
  gauge(
    registry,
    'fileflow_debezium_connector_state',
    'the connector (1 for its current state)',
    ['state'],
    async function () {
      this.reset();
      this.set({ state: (await o.status().catch(() => undefined))?.connector ?? 'UNREACHABLE' }, 1);
    },
  );
  gauge(
    registry,
    'fileflow_debezium_task_state',
    "the connector's task (1 for its current state)",
    ['state'],
    async function () {
      this.reset();
      this.set({ state: (await o.status().catch(() => undefined))?.task ?? 'UNREACHABLE' }, 1);
    },
  );
  gauge(registry, 'fileflow_debezium_slot_lag_bytes', 'WAL the connector has not confirmed yet', [], async function () {
    this.set((await o.slot())?.lagBytes ?? 0);
  });
  gauge(registry, 'fileflow_debezium_slot_retained_wal_bytes', 'WAL the replication slot keeps', [], async function () {
    this.set((await o.slot())?.retainedWalBytes ?? 0);
  });
}
