import { sql } from 'kysely';
import { silentLogger } from '@fileflow/common';
import { createDb, outboxBacklog, takeOutboxBatch, takeOutboxBatchQuery, type Db } from '@fileflow/db';
import { createOutboxCleanup } from '@fileflow/outbox-relay';
import { batchByteBudget, kafkaDefaultMessageMaxBytes } from '@fileflow/outbox-relay/src/broker-limits';
import type { TestEnv } from '@fileflow/testkit';
import { summarize, type Summary } from './measure';
import { holdSnapshot, insertApiShapedBacklog, outboxTableStats, type OutboxTableStats } from './outbox-backlog';

export interface ClaimScale {
  readonly rows: number;
  readonly insertSeconds: number;
  readonly before: OutboxTableStats;
  /** `outboxBacklog` (the relay's backlog gauges read it at every scrape) on the full backlog, twice. */
  readonly backlogQueryMs: readonly number[];
  /** The first claim on the full backlog: EXPLAIN (ANALYZE, BUFFERS), rolled back. */
  readonly firstClaimMs: number;
  readonly firstClaimPlan: string;
  /** Claims committed back to back (as a relay drains, without the Kafka send between them). */
  readonly drain: {
    readonly claims: number;
    readonly rows: number;
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly ms: Summary;
    /** Median claim of the first and of the last tenth of the drain: growth says the plan degrades. */
    readonly firstTenthP50: number;
    readonly lastTenthP50: number;
    /** Claims that got nothing while rows were left (held back by a transaction on the server). */
    readonly heldBack: number;
  };
  /** A claim after the drain (dead rows in front of the live ones), rolled back. */
  readonly drainedClaimMs: number;
  readonly drainedClaimPlan: string;
  readonly after: OutboxTableStats;
}

export interface CleanupScale {
  readonly rows: number;
  readonly insertSeconds: number;
  readonly before: OutboxTableStats;
  readonly deleted: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly rounds: number;
  /** Rounds that deleted nothing while rows were left (held back by a transaction on the server). */
  readonly heldBack: number;
  /** Each delete statement (5,000 rows), ms. */
  readonly batchMs: Summary;
  readonly firstTenthBatchP50: number;
  readonly lastTenthBatchP50: number;
  readonly after: OutboxTableStats;
}

/** EXPLAIN (ANALYZE, BUFFERS) of one claim, rolled back (it deletes rows): [ms, plan]. */
async function explainClaimOnce(db: Db, rows: number): Promise<[number, string]> {
  const query = takeOutboxBatchQuery({ rows, bytes: batchByteBudget(kafkaDefaultMessageMaxBytes) }).compile(db);
  let plan = '';
  const rollback = new Error('rollback');
  await db
    .transaction()
    .execute(async (trx) => {
      const { rows: lines } = await trx.executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.sql}`,
      });
      plan = lines.map((l) => l['QUERY PLAN']).join('\n');
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  return [ms, plan];
}

/**
 * Whether a loop that got nothing should go on: rows are left (a transaction somewhere on the
 * server holds them back, by the gap-free rule) and there is time. It then waits `ms` first.
 */
async function rowsHeldBack(db: Db, ms: number): Promise<boolean> {
  const { rows } = await sql<{ left: boolean }>`SELECT EXISTS (SELECT 1 FROM outbox) AS left`.execute(db);
  if (!rows[0]?.left) return false;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return true;
}

const medianOf = (xs: number[]) => summarize(xs).p50;
const tenths = (xs: number[]) => {
  const k = Math.max(1, Math.floor(xs.length / 10));
  return [medianOf(xs.slice(0, k)), medianOf(xs.slice(-k))] as const;
};

/** What one measurement runs on: a one-connection pool, and a snapshot held open if asked. */
interface Worker {
  readonly db: Db;
  readonly topic: string;
  /** Open the held snapshot (when asked for): call it just before the measured part. */
  readonly hold: () => Promise<void>;
}

async function withWorker<T>(env: TestEnv, holdSnapshotOpen: boolean, fn: (w: Worker) => Promise<T>): Promise<T> {
  const db = createDb(env.databaseUrl, 1);
  let release: (() => Promise<void>) | undefined;
  try {
    return await fn({
      db,
      topic: env.topics.fileCreate,
      hold: async () => {
        if (holdSnapshotOpen) release = await holdSnapshot(env.databaseUrl);
      },
    });
  } finally {
    await release?.();
    await db.destroy();
  }
}

export interface ScaleOptions {
  readonly rows: number;
  /** Seconds the measured loop may run. */
  readonly seconds: number;
  /** Hold a snapshot open in the database while the loop runs (`holdSnapshot`). */
  readonly holdSnapshot: boolean;
}

/**
 * The polling relay's claim at a backlog of `rows`: the first claim, then claims of
 * `batch` rows committed back to back for `seconds` (or until the outbox is empty), then one
 * more claim over the dead rows the drain left in front.
 */
export function measureClaimAtScale(env: TestEnv, o: ScaleOptions & { batch: number }): Promise<ClaimScale> {
  return withWorker(env, o.holdSnapshot, async ({ db, topic, hold }) => {
    const insertSeconds = await insertApiShapedBacklog(db, topic, o.rows);
    const before = await outboxTableStats(db);
    const backlogQueryMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      await outboxBacklog(db);
      backlogQueryMs.push(performance.now() - t);
    }
    const [firstClaimMs, firstClaimPlan] = await explainClaimOnce(db, o.batch);
    await hold();
    const limit = { rows: o.batch, bytes: batchByteBudget(kafkaDefaultMessageMaxBytes) };
    const times: number[] = [];
    let moved = 0;
    let heldBack = 0;
    const started = performance.now();
    while (performance.now() - started < o.seconds * 1000) {
      const t = performance.now();
      const n = await db.transaction().execute(async (trx) => (await takeOutboxBatch(trx, limit)).length);
      moved += n;
      if (n > 0) times.push(performance.now() - t);
      else if (!(await rowsHeldBack(db, 200))) break;
      else heldBack++;
    }
    const seconds = (performance.now() - started) / 1000;
    const [firstTenthP50, lastTenthP50] = tenths(times);
    const [drainedClaimMs, drainedClaimPlan] = await explainClaimOnce(db, o.batch);
    return {
      rows: o.rows,
      insertSeconds,
      before,
      backlogQueryMs,
      firstClaimMs,
      firstClaimPlan,
      drain: {
        claims: times.length,
        rows: moved,
        seconds,
        rowsPerSecond: moved / seconds,
        ms: summarize(times),
        firstTenthP50,
        lastTenthP50,
        heldBack,
      },
      drainedClaimMs,
      drainedClaimPlan,
      after: await outboxTableStats(db),
    };
  });
}

/**
 * Debezium mode's cleanup (`createOutboxCleanup`, the service's code and defaults) over a
 * backlog of `rows` eligible rows: rounds back to back until the outbox is empty or `seconds`
 * ran (in service a round starts every second).
 */
export function measureCleanupAtScale(env: TestEnv, o: ScaleOptions): Promise<CleanupScale> {
  return withWorker(env, o.holdSnapshot, async ({ db, topic, hold }) => {
    const insertSeconds = await insertApiShapedBacklog(db, topic, o.rows);
    const before = await outboxTableStats(db);
    const batchTimes: number[] = [];
    let last = performance.now();
    const cleanup = createOutboxCleanup({
      db,
      logger: silentLogger,
      intervalMs: 1000,
      guard: () => Promise.resolve(undefined),
      onDeleted: () => {
        const now = performance.now();
        batchTimes.push(now - last);
        last = now;
      },
    });
    await hold();
    let deleted = 0;
    let rounds = 0;
    let heldBack = 0;
    const started = performance.now();
    while (performance.now() - started < o.seconds * 1000) {
      last = performance.now();
      const n = await cleanup.cleanOnce();
      rounds++;
      deleted += n;
      if (n === 0 && !(await rowsHeldBack(db, 1000))) break;
      if (n === 0) heldBack++;
    }
    const seconds = (performance.now() - started) / 1000;
    const [firstTenthBatchP50, lastTenthBatchP50] = tenths(batchTimes);
    return {
      rows: o.rows,
      insertSeconds,
      before,
      deleted,
      seconds,
      rowsPerSecond: deleted / seconds,
      rounds,
      heldBack,
      batchMs: summarize(batchTimes),
      firstTenthBatchP50,
      lastTenthBatchP50,
      after: await outboxTableStats(db),
    };
  });
}
