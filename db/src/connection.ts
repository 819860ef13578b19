import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// The design's columns are `TIMESTAMP` (without time zone). Every session runs in UTC and
// such values are read as UTC, so the API's times do not depend on any machine's time zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (s) => new Date(`${s.replace(' ', 'T')}Z`));

export interface DbOptions {
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit=off`). Only for writes whose
   * loss in a PostgreSQL crash is harmless: the relay's deletes of published rows (a lost
   * delete means the rows are published again, and consumers drop the repeats).
   */
  readonly asyncCommit?: boolean;
}

/** A Kysely instance on a fresh pg pool. Close it with `db.destroy()`. */
export function createDb(databaseUrl: string, poolSize = 10, o: DbOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    options: `-c timezone=UTC${o.asyncCommit ? ' -c synchronous_commit=off' : ''}`,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
  });
  // A client losing its connection (Postgres restarting) emits 'error'. For an idle client the
  // pool's 'error' event carries it; a checked-out client (inside a transaction) emits it on
  // itself, where nobody listens, and an unhandled 'error' kills the process. The failure
  // reaches the caller anyway, as the rejected query: swallow the event on every client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Anything repositories accept: the database or a transaction on it. */
export type Db = Kysely<Database>;
