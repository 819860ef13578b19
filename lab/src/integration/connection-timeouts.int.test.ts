import { sql } from 'kysely';
import { QueryTimeoutError, createDb, type Db } from '@fileflow/db';
import { TcpProxy, createTestEnv, eventually, freePort, timed, type TestEnv } from '@fileflow/testkit';

let env: TestEnv;
const opened: Db[] = [];
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  env = await createTestEnv('dbtimeouts');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await env.cleanup();
});

/** A proxy in front of the test database; `hold()` makes it a peer that accepts and never answers. */
async function proxyToDatabase(): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(env.databaseUrl);
  const proxy = new TcpProxy(await freePort(), Number(target.port || 5432), target.hostname);
  await proxy.start();
  proxies.push(proxy);
  const url = new URL(env.databaseUrl);
  url.port = String(proxy.listenPort);
  return { proxy, url: url.toString() };
}

function open(...args: Parameters<typeof createDb>): Db {
  const db = createDb(...args);
  opened.push(db);
  return db;
}

it('a server that accepts the connection and never answers fails the call within the connect timeout', async () => {
  const { proxy, url } = await proxyToDatabase();
  proxy.hold();
  const db = open(url, 1, { timeouts: { connectTimeoutMs: 300 } });
  const { ms, error } = await timed(sql`SELECT 1`.execute(db));
  expect(String(error)).toMatch(/timeout/i);
  expect(ms).toBeGreaterThanOrEqual(250);
  expect(ms).toBeLessThan(3_000);
});

it('a connection that stops answering mid-session fails the query within the query timeout, and the pool connects afresh', async () => {
  const { proxy, url } = await proxyToDatabase();
  const db = open(url, 1, { timeouts: { queryTimeoutMs: 400 } });
  await sql`SELECT 1`.execute(db);
  proxy.hold();
  const { ms, error } = await timed(sql`SELECT 2`.execute(db));
  expect(error).toBeInstanceOf(QueryTimeoutError);
  expect(ms).toBeLessThan(3_000);

  proxy.release();
  const { rows } = await sql<{ n: number }>`SELECT 3 AS n`.execute(db);
  expect(rows).toEqual([{ n: 3 }]);
});

it('the server cancels a statement past the statement timeout, and the connection stays usable', async () => {
  const db = open(env.databaseUrl, 1, { timeouts: { statementTimeoutMs: 200 } });
  const { ms, error } = await timed(sql`SELECT pg_sleep(30)`.execute(db));
  expect(error).toMatchObject({ code: '57014' }); // query_canceled
  expect(ms).toBeLessThan(5_000);
  const { rows } = await sql<{ n: number }>`SELECT 1 AS n`.execute(db);
  expect(rows).toEqual([{ n: 1 }]);
});

it('the server ends a session left idle inside a transaction', async () => {
  const db = open(env.databaseUrl, 1, { timeouts: { idleInTransactionTimeoutMs: 300 } });
  const trx = await db.startTransaction().execute();
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
  const pid = rows[0]?.pid;
  await eventually(
    async () => {
      const r = await sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`.execute(env.db);
      expect(r.rows).toHaveLength(0);
    },
    { timeoutMs: 10_000 },
  );
  await expect(sql`SELECT 1`.execute(trx)).rejects.toThrow();
  await trx
    .rollback()
    .execute()
    .catch(() => undefined);
});
