/**
 * A connector can be RUNNING by its status and still publish nothing: a task thread stuck after
 * a broker restart, an orphaned task holding the replication slot. Kafka Connect never notices.
 * The replication slot does: Debezium confirms a position only after its records (heartbeats
 * included, every `heartbeat.interval.ms`) are committed to Kafka, so a confirmed position that
 * does not move for much longer than the heartbeat interval means the connector is stalled.
 */

/** Where the slot's confirmed position last moved, as the supervisor saw it. */
export interface SlotProgress {
  readonly lsn: string;
  readonly movedAt: number;
}

/** The progress after reading the slot's confirmed position `lsn` at `now`. */
export function trackProgress(prev: SlotProgress | undefined, lsn: string, now: number): SlotProgress {
  return prev?.lsn === lsn ? prev : { lsn, movedAt: now };
}

export type StallRemedy = 'restart' | 'recreate';

/**
 * What to do about a connector whose slot has confirmed nothing for `stalledMs`, after
 * `remediesSoFar` remedies in this stall: nothing before `stallMs`; then restart the connector
 * and all its tasks; after another `stallMs` without progress delete and re-create it (Kafka
 * Connect keeps a deleted connector's offsets, so the new one resumes where the old one
 * committed); then alternate, one remedy per `stallMs`.
 */
export function stallRemedy(stalledMs: number, stallMs: number, remediesSoFar: number): StallRemedy | undefined {
  if (stalledMs < stallMs * (remediesSoFar + 1)) return undefined;
  return remediesSoFar % 2 === 0 ? 'restart' : 'recreate';
}
