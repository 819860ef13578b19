import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { silentLogger } from '@fileflow/common';
import { recordInboxReceipts } from '@fileflow/db';
import { createTestEnv, eventually, type TestEnv } from '@fileflow/testkit';
import { createInboxRetention } from './inbox-retention';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('inboxret');
});
afterAll(async () => {
  await env.cleanup();
});

const now = new Date('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;

/** `n` receipts whose received_at is `ageHours` before `now`; returns their message ids. */
async function receipts(n: number, ageHours: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await recordInboxReceipts(
    env.db,
    ids.map((messageId, i) => ({
      consumer: 'status',
      messageId,
      type: 'file.created',
      aggregateid: String(i + 1),
      outcome: 'applied' as const,
      detail: null,
      repeats: 0,
    })),
  );
  const at = new Date(now.getTime() - ageHours * HOUR);
  await sql`UPDATE inbox SET received_at = ${at} WHERE message_id = ANY (${ids}::uuid[])`.execute(env.db);
  return ids;
}

async function remaining(): Promise<Set<string>> {
  const rows = await env.db.selectFrom('inbox').select('message_id').execute();
  return new Set(rows.map((r) => r.message_id));
}

beforeEach(async () => {
  await sql`DELETE FROM inbox`.execute(env.db);
});

/** The retention as the API runs it, 360 h, on a fixed clock, with `o`'s batch settings. */
const retentionWith = (o: { batchSize: number; maxBatchesPerRun?: number }) =>
  createInboxRetention({
    db: env.db,
    logger: silentLogger,
    now: () => now,
    retentionHours: 360,
    intervalMs: 60_000,
    ...o,
  });

it('deletes the receipts older than the retention, in batches, and keeps the recent ones', async () => {
  await receipts(7, 400);
  await receipts(1, 361);
  const recent = await receipts(5, 300);
  const fresh = await receipts(2, 0);
  const retention = retentionWith({ batchSize: 3 });

  expect(await retention.purgeOnce()).toBe(8);
  expect(await remaining()).toEqual(new Set([...recent, ...fresh]));
  expect(await retention.purgeOnce()).toBe(0);
});

it('a run works off at most maxBatchesPerRun batches; the next runs go on', async () => {
  await receipts(10, 500);
  const retention = retentionWith({ batchSize: 2, maxBatchesPerRun: 2 });
  expect(await retention.purgeOnce()).toBe(4);
  expect((await remaining()).size).toBe(6);
});

it('runs from start() until stop()', async () => {
  await receipts(3, 500);
  const kept = await receipts(2, 1);
  const retention = retentionWith({ batchSize: 100 });
  await retention.start();
  try {
    await eventually(async () => expect(await remaining()).toEqual(new Set(kept)), { timeoutMs: 10_000 });
  } finally {
    await retention.stop();
  }
});
