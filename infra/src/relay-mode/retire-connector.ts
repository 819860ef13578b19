/**
 * Hand the outbox from Debezium back to the polling relay without a row published twice or lost.
 *
 * In Debezium mode the relay's cleanup deletes rows whose INSERT is already in the WAL, which the
 * connector may not have published yet, and rows it did publish may still be in the outbox. So:
 * writers are paused (a lock on the outbox that INSERTs wait for), the connector is let publish up
 * to that WAL position and stopped, the rows left (all published now) are deleted, and the lock is
 * released; rows written after that are the polling relay's. Then the connector's offsets, the
 * connector and its slot are removed, so a later switch back to Debezium starts with a snapshot.
 */
import type { Reporter } from '../log';
import { sleep } from '../process/sleep';
import { databaseOf, pgClose, pgConnect } from '../readiness/postgres';
import { errorMessage } from '../readiness/wait';
import { RelayModeRefusal } from './refusal';

export interface RetireOptions {
  readonly databaseUrl: string;
  readonly connectUrl: string;
  /** DEBEZIUM_CONNECTOR_NAME of the relay; by default the name derived from the database. */
  readonly connectorName?: string;
  readonly report: Reporter;
  /** How long writers may wait while the connector catches up (it confirms on its 10 s heartbeat when idle). */
  readonly catchUpMs?: number;
  /** How long the connector may take to stop. */
  readonly stopMs?: number;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Returns the number of outbox rows deleted because the connector had published them. */
export async function retireConnector(o: RetireOptions): Promise<number> {
  // loaded here only: the other commands of the CLI stay light
  const { connectorNamesFor, createConnectClient, dropSlot, slotHealth } = await import('@fileflow/outbox-relay');
  const { createDb } = await import('@fileflow/db');
  const names = connectorNamesFor(databaseOf(o.databaseUrl));
  const name = o.connectorName ?? names.name;
  const connect = createConnectClient(o.connectUrl, fetch, { requestTimeoutMs: 10_000 });
  const db = createDb(o.databaseUrl, 2, { prepare: false });
  const log = (m: string) => o.report('relay-mode', m);
  try {
    const status = await connect.status(name);
    const slot = await slotHealth(db, names.slotName);
    if (!status && !slot) {
      log(`no connector ${name} and no slot ${names.slotName}: nothing to retire`);
      return 0;
    }
    if (!status) {
      throw new RelayModeRefusal(
        `replication slot ${names.slotName} exists without its connector ${name}: rows only in its WAL would be lost; run \`npm run stack -- mode debezium\` (the relay registers the connector again), then switch`,
      );
    }
    // A stopped or paused connector may still owe rows: let it run, so the fence below can wait for it.
    if (status.connector.state === 'STOPPED' || status.connector.state === 'PAUSED') await connect.resume(name);
    await until(`connector ${name} running`, 60_000, async () => {
      const s = await connect.status(name);
      if (s?.tasks[0]?.state === 'FAILED') throw new Error(`connector ${name} task FAILED: ${s.tasks[0].trace ?? ''}`);
      return s?.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING' ? true : undefined;
    });

    const deleted = await fenceAndStop();
    await connect.resetOffsets(name);
    await connect.delete(name);
    await dropSlot(db, names.slotName);
    log(`connector ${name}, its offsets and slot ${names.slotName} removed`);
    return deleted;
  } finally {
    await db.destroy();
  }

  /** Writers paused, the connector caught up and stopped, the published rows deleted; on failure all undone. */
  async function fenceAndStop(): Promise<number> {
    // its queries wait at most for the lock (lock_timeout) and never for the catch-up
    const fence = await pgConnect(o.databaseUrl, { queryTimeoutMs: 20_000 });
    let stopped = false;
    try {
      await fence.query('BEGIN');
      await fence.query("SET LOCAL lock_timeout = '10s'");
      // INSERTs take ROW EXCLUSIVE, which this mode conflicts with; reads go on
      await fence.query('LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await fence.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const fenceLsn = rows[0]?.lsn ?? '0/0';
      log(`writers paused at WAL ${fenceLsn}; waiting for ${name} to publish up to it`);
      await until(`connector ${name} confirming WAL ${fenceLsn}`, o.catchUpMs ?? 15_000, async () => {
        const r = await fence.query<{ caught: boolean }>(
          'SELECT confirmed_flush_lsn >= $1::pg_lsn AS caught FROM pg_replication_slots WHERE slot_name = $2',
          [fenceLsn, names.slotName],
        );
        return r.rows[0]?.caught ? true : undefined;
      });
      await connect.stop(name);
      stopped = true;
      await until(`connector ${name} stopped`, o.stopMs ?? 10_000, async () => {
        const s = await connect.status(name);
        const h = await slotHealth(db, names.slotName);
        return s?.connector.state === 'STOPPED' && !h?.active ? true : undefined;
      });
      const deleted = await fence.query('DELETE FROM outbox');
      await fence.query('COMMIT');
      log(`connector ${name} stopped; ${deleted.rowCount ?? 0} published row(s) left in the outbox deleted`);
      return deleted.rowCount ?? 0;
    } catch (err) {
      await fence.query('ROLLBACK').catch(() => undefined);
      if (stopped) await connect.resume(name).catch(() => undefined);
      throw new Error(`switch aborted, Debezium keeps the outbox: ${errorMessage(err)}`);
    } finally {
      await pgClose(fence);
    }
  }
}
