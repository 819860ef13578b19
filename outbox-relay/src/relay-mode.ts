/** The two ways the outbox reaches Kafka: this process polls it, or Debezium reads the WAL. */
export const relayModes = ['polling', 'debezium'] as const;
export type RelayMode = (typeof relayModes)[number];

/** What `main.ts` needs from either relay mode. */
export interface RunningRelay {
  /** Problems that make the relay not ready (empty = ready). */
  readiness(): Promise<string[]>;
  /** A summary for `GET /stats` (the Prometheus metrics are at `/metrics`). */
  stats(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}
