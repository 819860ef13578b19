import { createDb, relayApplicationName, type Db, type DbTimeouts } from '@fileflow/db';

/**
 * The relay's database, as the relay process opens it (the benchmark and the tests open it the
 * same way):
 * - its deletes of published rows commit without waiting for the WAL flush: one lost in a
 *   PostgreSQL crash republishes rows, and consumers drop the repeats;
 * - its claim is planned on every execution, for the backlog of the moment: a plan cached while
 *   the outbox was empty stays cheap only while it stays empty (see `planEachExecution`);
 * - its sessions are named `relayApplicationName`, so the other relays' claims do not wait for
 *   its transactions (see `takeOutboxBatchQuery`). Nothing in this process may write outbox rows.
 */
export function openRelayDb(databaseUrl: string, poolSize = 3, timeouts?: Partial<DbTimeouts>): Db {
  return createDb(databaseUrl, poolSize, {
    asyncCommit: true,
    planEachExecution: true,
    timeouts,
    applicationName: relayApplicationName,
  });
}
