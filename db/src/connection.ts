import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseEnv } from '@fileflow/common';
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
  /**
   * Run queries as named (prepared) statements, see `prepareRepeatedQueries` (default true).
   * Migrations turn it off: a prepared statement holds one command, a migration may hold several.
   */
  readonly prepare?: boolean;
  /**
   * Plan every execution for the table sizes of the moment (`plan_cache_mode=force_custom_plan`):
   * prepared statements keep their parse, but no cached generic plan. For queue tables, whose
   * size swings from empty to a backlog within seconds: a generic plan made while the outbox is
   * empty (estimated one row) scans the whole outbox once per candidate row, so the claim grows
   * quadratically with a backlog (docs/architecture.md, "Prepared statements, and the relay's
   * plans").
   */
  readonly planEachExecution?: boolean;
  /** Defaults: DATABASE_TIMEOUT_DEFAULTS (0 = no limit). */
  readonly timeouts?: Partial<DbTimeouts>;
  /** The sessions' `application_name` (what `pg_stat_activity` shows). */
  readonly applicationName?: string;
}

/** How long each step of a database call may take, in ms (see DATABASE_TIMEOUT_DEFAULTS). */
export interface DbTimeouts {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly keepAliveDelayMs: number;
}

/** The timeouts from the validated environment (`databaseEnvSchema`). */
export function dbTimeoutsFromEnv(env: DatabaseEnv): DbTimeouts {
  return {
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
    keepAliveDelayMs: env.DATABASE_KEEPALIVE_DELAY_MS,
  };
}

/** A Kysely instance on a fresh pg pool. Close it with `db.destroy()`. */
export function createDb(databaseUrl: string, poolSize = 10, o: DbOptions = {}): Kysely<Database> {
  const t: DbTimeouts = { ...DATABASE_TIMEOUT_DEFAULTS, ...o.timeouts };
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    ...(o.applicationName !== undefined ? { application_name: o.applicationName } : {}),
    options: [
      '-c timezone=UTC',
      `-c statement_timeout=${t.statementTimeoutMs}`,
      `-c idle_in_transaction_session_timeout=${t.idleInTransactionTimeoutMs}`,
      ...(o.asyncCommit ? ['-c synchronous_commit=off'] : []),
      ...(o.planEachExecution ? ['-c plan_cache_mode=force_custom_plan'] : []),
    ].join(' '),
    max: poolSize,
    connectionTimeoutMillis: t.connectTimeoutMs,
    idleTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveDelayMs,
  });
  // A client losing its connection (Postgres restarting) emits 'error'. For an idle client the
  // pool's 'error' event carries it; a checked-out client (inside a transaction) emits it on
  // itself, where nobody listens, and an unhandled 'error' kills the process. The failure
  // reaches the caller anyway, as the rejected query: swallow the event on every client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if (o.prepare !== false) prepareRepeatedQueries(client);
    limitQueryTime(client, t.queryTimeoutMs);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Prepared statements per connection at most; queries beyond it run unnamed (parsed each time). */
export const PREPARED_PER_CONNECTION = 200;

/**
 * Make the client run Kysely's queries as named (prepared) statements: PostgreSQL parses and
 * plans a query text once per connection, not on every execution. A query text gets a name the
 * first time it runs; Kysely's texts are parameterised, so the hot paths reuse a handful. Texts
 * that vary (`IN` lists of different lengths) are bounded by PREPARED_PER_CONNECTION.
 */
export function prepareRepeatedQueries(client: pg.ClientBase, max = PREPARED_PER_CONNECTION): void {
  const names = new Map<string, string>();
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  // Kysely's driver calls query(text, values) and awaits the promise; other shapes pass through.
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) return original(...args);
    let name = names.get(text);
    if (name === undefined && names.size < max) {
      name = `k${names.size}`;
      names.set(text, name);
    }
    return original({ name, text, values });
  };
}

/** A query got no answer within the client-side timeout; its connection was closed. */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`PostgreSQL did not answer within ${timeoutMs} ms; the connection was closed`);
    this.name = 'QueryTimeoutError';
  }
}

/**
 * Close the connection of a query that gets no answer within `timeoutMs` (0: never): the query
 * fails with a QueryTimeoutError and the pool discards the connection. pg's own `query_timeout`
 * fails the query but keeps the connection, and a half-open one then holds every later query too.
 */
export function limitQueryTime(
  client: pg.ClientBase,
  timeoutMs: number,
  close: (err: Error) => void = (err) => {
    if (client instanceof pg.Client) client.connection.stream.destroy(err);
  },
): void {
  if (timeoutMs <= 0) return;
  const inner = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = inner(...args);
    if (!(result instanceof Promise)) return result;
    const timer = setTimeout(() => close(new QueryTimeoutError(timeoutMs)), timeoutMs);
    return result.finally(() => clearTimeout(timer));
  };
}

/** Anything repositories accept: the database or a transaction on it. */
export type Db = Kysely<Database>;
