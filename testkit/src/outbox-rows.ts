import pg from 'pg';
import { newId } from '@fileflow/common';
import type { TestEnv } from './test-env';

/** Insert one outbox row on `client` (inside whatever transaction it has open). */
export async function insertOutboxRow(
  client: pg.ClientBase,
  env: TestEnv,
  row: { id?: string; fileId: number; payload: unknown; traceparent?: string | null },
): Promise<string> {
  const id = row.id ?? newId();
  await client.query(
    `INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, traceparent) VALUES ($1, 'file', $2, 'file.create', $3, $4, $5)`,
    [id, String(row.fileId), env.topics.fileCreate, JSON.stringify(row.payload), row.traceparent ?? null],
  );
  return id;
}

/**
 * `writers` concurrent connections; each writes event k (1..eventsPerFile) of each of its own
 * files in one transaction held open a random few ms, so commits interleave out of order.
 * Resolves with the number of rows written. Payloads are `{ fileId, seqNo }`.
 */
export async function writeConcurrently(
  env: TestEnv,
  o: { writers: number; filesPerWriter: number; eventsPerFile: number; firstFileId: number },
): Promise<number> {
  const jitter = () => new Promise((r) => setTimeout(r, Math.random() * 30));
  await Promise.all(
    Array.from({ length: o.writers }, async (_, w) => {
      const client = new pg.Client({ connectionString: env.databaseUrl });
      await client.connect();
      try {
        for (let k = 1; k <= o.eventsPerFile; k++) {
          await client.query('BEGIN');
          for (let f = 0; f < o.filesPerWriter; f++) {
            const fileId = o.firstFileId + w * o.filesPerWriter + f;
            await insertOutboxRow(client, env, { fileId, payload: { fileId, seqNo: k } });
          }
          await jitter(); // the injected fault: an open transaction, not a wait for readiness
          await client.query('COMMIT');
        }
      } finally {
        await client.end();
      }
    }),
  );
  return o.writers * o.filesPerWriter * o.eventsPerFile;
}
