import { sql } from 'kysely';
import type { Db } from '@fileflow/db';

/** How much WAL a slot holds back, and whether the server still keeps all it needs. */
export interface SlotHealth {
  readonly slotName: string;
  readonly active: boolean;
  /** WAL kept for the slot (from its restart point to now), in bytes. */
  readonly retainedWalBytes: number;
  /** WAL not yet confirmed by the connector, in bytes. */
  readonly lagBytes: number;
  /** The last position the connector confirmed (`confirmed_flush_lsn`). */
  readonly confirmedLsn: string | null;
  /** `reserved`, `extended`, `unreserved` or `lost` (past max_slot_wal_keep_size). */
  readonly walStatus: string | null;
  /** Bytes left before the slot would be invalidated (null without a limit). */
  readonly safeWalBytes: number | null;
}

export async function slotHealth(db: Db, slotName: string): Promise<SlotHealth | undefined> {
  const { rows } = await sql<{
    active: boolean;
    retained: string | null;
    lag: string | null;
    confirmed: string | null;
    wal_status: string | null;
    safe_wal_size: string | null;
  }>`
    SELECT active,
           pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained,
           pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS lag,
           confirmed_flush_lsn::text AS confirmed,
           wal_status, safe_wal_size
    FROM pg_replication_slots WHERE slot_name = ${slotName}`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  return {
    slotName,
    active: r.active,
    retainedWalBytes: Number(r.retained ?? 0),
    lagBytes: Number(r.lag ?? 0),
    confirmedLsn: r.confirmed,
    walStatus: r.wal_status,
    safeWalBytes: r.safe_wal_size === null ? null : Number(r.safe_wal_size),
  };
}

/** The publication Debezium reads: the outbox table, INSERTs only. Idempotent. */
export async function ensurePublication(db: Db, name: string): Promise<void> {
  const { rows } = await sql`SELECT 1 FROM pg_publication WHERE pubname = ${name}`.execute(db);
  if (rows.length) return;
  await sql`CREATE PUBLICATION ${sql.id(name)} FOR TABLE outbox WITH (publish = 'insert')`
    .execute(db)
    .catch((err: { code?: string }) => {
      if (err.code !== '42710') throw err; // created meanwhile by another caller
    });
}

/** Drop the slot (after its connector is gone); waits for it to become inactive. */
export async function dropSlot(db: Db, slotName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await slotHealth(db, slotName);
    if (!health) return;
    if (!health.active) {
      await sql`SELECT pg_drop_replication_slot(${slotName})`.execute(db);
      return;
    }
    if (Date.now() > deadline) throw new Error(`slot ${slotName} still active after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
