import { sql } from 'kysely';
import { takeOutboxBatch } from '@fileflow/db';
import { createTestEnv, eventually, type TestEnv } from '@fileflow/testkit';
import { openRelayDb } from './relay-db';

let env: TestEnv;
const limit = { rows: 500, bytes: 1_000_000 };
beforeAll(async () => {
  env = await createTestEnv('relaydb');
});
afterAll(async () => {
  await env.cleanup();
});

/** `n` committed outbox rows, one per file, without ANALYZE (which would make PostgreSQL plan again). */
async function backlog(n: number): Promise<void> {
  await sql`
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload)
    SELECT gen_random_uuid(), 'file', g::text, 'file.create', ${env.topics.fileCreate},
           jsonb_build_object('fileId', g, 'title', 'file ' || g)
    FROM generate_series(1, ${n}::int) g`.execute(env.db);
}

describe("the relay's claim, on a backlog that built up after the outbox was empty", () => {
  it('reads each waiting row a bounded number of times, not the whole outbox once per row', async () => {
    const db = openRelayDb(env.databaseUrl, 1); // one connection: the one whose plans are looked at
    try {
      // The outbox's everyday state: drained, and vacuumed since (autovacuum after a burst), so
      // PostgreSQL knows it as empty. An idle relay claims from it, more than the 5 times after
      // which PostgreSQL may settle on a generic plan for a prepared statement.
      await sql`VACUUM (ANALYZE) outbox`.execute(env.db);
      for (let i = 0; i < 10; i++) expect(await takeOutboxBatch(db, limit)).toHaveLength(0);
      await backlog(3_000);
      // Rows become claimable once every older transaction of the cluster has ended: other test
      // files hold some open for a moment. Wait for that, on another connection, before measuring.
      await eventually(async () => {
        const { rows } = await sql<{ n: string }>`
          SELECT count(*) AS n FROM outbox WHERE txid < pg_snapshot_xmin(pg_current_snapshot())`.execute(env.db);
        expect(Number(rows[0]?.n)).toBe(3_000);
      });
      const { claimed, blocks } = await db.transaction().execute(async (trx) => {
        const rows = await takeOutboxBatch(trx, limit);
        // Heap blocks of the outbox this transaction read (the relay's own backend's counter).
        const { rows: stats } = await sql<{ n: string }>`
          SELECT pg_stat_get_xact_blocks_fetched('outbox'::regclass) AS n`.execute(trx);
        return { claimed: rows.length, blocks: Number(stats[0]?.n) };
      });
      expect(claimed).toBe(500);
      // A plan that follows the backlog reads a few blocks per claimed row (find it, check that no
      // older row of its file waits, delete it); a generic plan cached on an empty outbox reads the
      // whole outbox per row.
      expect(blocks).toBeLessThan(10 * claimed);
    } finally {
      await db.destroy();
    }
  });
});
