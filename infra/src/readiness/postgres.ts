/** Postgres readiness: `SELECT 1` (pg, loaded lazily), and creating the database if missing. */
import type * as PgTypes from 'pg';

type PgModule = typeof PgTypes;

/* eslint-disable @typescript-eslint/no-require-imports */
const loadPg = (): PgModule => require('pg') as PgModule;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A connected client whose every step is bounded: connecting, each query (`queryTimeoutMs`, on the
 * client's side, so a server that stops answering cannot hold a probe), and a dead peer is noticed
 * by TCP keepalive.
 */
export async function pgConnect(url: string, { queryTimeoutMs = 5_000 } = {}): Promise<PgTypes.Client> {
  const { Client } = loadPg();
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 3_000,
    query_timeout: queryTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.connection.stream.destroy();
    throw err;
  }
  return client;
}

/** `end()`, but a peer that never closes its side cannot keep it waiting: the socket is destroyed after 1 s. */
export async function pgClose(client: PgTypes.Client): Promise<void> {
  const timer = setTimeout(() => client.connection.stream.destroy(), 1_000);
  await client.end().catch(() => undefined);
  clearTimeout(timer);
}

export async function pgQuery(url: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = await pgConnect(url);
  try {
    const res = await client.query(sql, params);
    return res.rows as Record<string, unknown>[];
  } finally {
    await pgClose(client);
  }
}

export async function probePostgres(url: string): Promise<void> {
  const rows = await pgQuery(url, 'SELECT 1 AS ok');
  if (rows[0]?.ok !== 1) throw new Error('SELECT 1 returned no row');
}

function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** The server accepts the credentials; a missing target database (3D000) still counts as up. */
export async function probePostgresServer(url: string): Promise<void> {
  try {
    await probePostgres(url);
  } catch (err) {
    if (pgErrorCode(err) !== '3D000') throw err;
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates the database of `url` (connecting to the `postgres` db) if missing; true if created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  try {
    await probePostgres(url);
    return false;
  } catch (err) {
    if (pgErrorCode(err) !== '3D000') throw err;
  }
  const db = databaseOf(url);
  const admin = withDatabase(url, 'postgres');
  const exists = await pgQuery(admin, 'SELECT 1 FROM pg_database WHERE datname = $1', [db]);
  if (exists.length > 0) return false;
  const { escapeIdentifier } = loadPg();
  await pgQuery(admin, `CREATE DATABASE ${escapeIdentifier(db)}`);
  return true;
}
