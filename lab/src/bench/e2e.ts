import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { topicList } from '@fileflow/common';
import { sql } from 'kysely';
import { waitForQuiescence, type World } from '../chaos/world';
import { postAtRate, postFilesWithAutocannon, type CannonResult } from './load-generators';
import { peakRssMb, sleep, summarize, waitUntil, type Summary } from './measure';
import { slowPublishes, type SlowPublishes } from './slow-publishes';

/** Record timestamps (CreateTime, ms) on `topic` by record key, for the keys in `want`. */
export async function recordTimes(
  kafka: Kafka,
  topic: string,
  want: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-reader-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) {
          const key = m.key?.toString();
          if (key !== undefined && want.has(key) && !times.has(key)) times.set(key, Number(m.timestamp));
        }
        return Promise.resolve();
      },
    });
    await waitUntil(() => Promise.resolve(times.size >= want.size), timeoutMs, 200);
    return times;
  } finally {
    await consumer.disconnect();
  }
}

/** A file published later than this after its commit counts as late (`Hops.latePublishes`). */
export const latePublishMs = 100;

export interface Hops {
  readonly files: number;
  readonly complete: number;
  /** What "commit" means in these figures. */
  readonly commitTimes: 'commit timestamps' | 'transaction start';
  readonly commitToPublished: Summary;
  /** The files published more than `latePublishMs` after their commit, located in the phase (null: none). */
  readonly latePublishes?: SlowPublishes | null;
  /** Published minus when the client got its 202 (after the commit). */
  readonly ackToPublished: Summary | undefined;
  readonly publishedToUploaded: Summary;
  readonly uploadedToCompleted: Summary;
  readonly total: Summary;
  /**
   * Median commit -> completed of the files committed in the first and in the last third of the
   * phase: a latency that keeps rising means a growing backlog (absent in older results).
   */
  readonly totalTrend?: LatencyTrend;
  /** Completed files / (last completed - first commit). */
  readonly completedPerSecond: number;
}

export interface LatencyTrend {
  readonly early: number;
  readonly late: number;
}

/** Median latency of the first and of the last third of `files` by commit time (pure). */
export function latencyTrend(files: readonly { commit: number; latency: number }[]): LatencyTrend {
  if (files.length === 0) return { early: NaN, late: NaN };
  const from = files.reduce((m, f) => Math.min(m, f.commit), Infinity);
  const to = files.reduce((m, f) => Math.max(m, f.commit), -Infinity);
  const third = (to - from) / 3;
  const p50 = (xs: number[]) => summarize(xs).p50;
  return {
    early: p50(files.filter((f) => f.commit <= from + third).map((f) => f.latency)),
    late: p50(files.filter((f) => f.commit >= to - third).map((f) => f.latency)),
  };
}

/**
 * Per-hop latency of the files with id > `afterId` (see docs/benchmarks.md for each timestamp).
 * Commit times are PostgreSQL's own (`pg_xact_commit_timestamp` of the transaction that wrote
 * the file and of the one that completed it; needs `track_commit_timestamp=on`, which the
 * stack sets); published and uploaded are the broker's append times (`useBrokerTimestamps`).
 * Without commit timestamps the file's `created_at` (its transaction's start) stands in.
 * With `csvPath`, each complete file's four timestamps (epoch ms) are written there too.
 */
export async function measureHops(
  world: World,
  afterId: number,
  acked?: ReadonlyMap<string, number>,
  csvPath?: string,
): Promise<Hops> {
  const db = world.env.db;
  const exact = await commitTimestampsOn(world);
  const commitAt = exact ? sql<Date>`pg_xact_commit_timestamp(t.xmin)` : sql<Date>`t.at`;
  const { rows } = await sql<{ file_id: number; to_status: string; at: Date }>`
    SELECT t.file_id, t.to_status, ${commitAt} AS at
    FROM file_transitions t
    WHERE t.file_id > ${afterId} AND t.to_status IN ('pending', 'completed')`.execute(db);
  const createdAt = new Map<string, number>();
  const completedAt = new Map<string, number>();
  for (const r of rows) (r.to_status === 'pending' ? createdAt : completedAt).set(String(r.file_id), r.at.getTime());
  if (!exact) {
    const files = await db.selectFrom('files').select(['id', 'created_at']).where('id', '>', afterId).execute();
    for (const f of files) createdAt.set(String(f.id), f.created_at.getTime());
  }
  const want = new Set(createdAt.keys());
  const published = await recordTimes(world.env.kafka, world.env.topics.fileCreate, want, 60_000);
  const uploaded = await recordTimes(world.env.kafka, world.env.topics.fileCreated, want, 60_000);
  const pairs: Array<{ commit: number; published: number }> = [];
  const b: number[] = [];
  const c: number[] = [];
  const totals: Array<{ commit: number; latency: number }> = [];
  const fromAck: number[] = [];
  const csv = ['file_id,commit_ms,published_ms,uploaded_ms,completed_ms'];
  let first = Infinity;
  let last = -Infinity;
  for (const [id, commit] of createdAt) {
    const p = published.get(id);
    const u = uploaded.get(id);
    const done = completedAt.get(id);
    first = Math.min(first, commit);
    if (done !== undefined) last = Math.max(last, done);
    if (p === undefined || u === undefined || done === undefined) continue;
    pairs.push({ commit, published: p });
    const ack = acked?.get(id);
    if (ack !== undefined) fromAck.push(p - ack);
    b.push(u - p);
    c.push(done - u);
    totals.push({ commit, latency: done - commit });
    if (csvPath) csv.push(`${id},${commit},${p},${u},${done}`);
  }
  if (csvPath) writeFileSync(csvPath, csv.join('\n') + '\n');
  return {
    files: createdAt.size,
    complete: completedAt.size,
    commitTimes: exact ? 'commit timestamps' : 'transaction start',
    commitToPublished: summarize(pairs.map((x) => x.published - x.commit)),
    latePublishes: slowPublishes(pairs, latePublishMs) ?? null,
    ackToPublished: acked ? summarize(fromAck) : undefined,
    publishedToUploaded: summarize(b),
    uploadedToCompleted: summarize(c),
    total: summarize(totals.map((x) => x.latency)),
    totalTrend: latencyTrend(totals),
    completedPerSecond: last > first ? completedAt.size / ((last - first) / 1000) : NaN,
  };
}

async function commitTimestampsOn(world: World): Promise<boolean> {
  const r = await sql<{ on: string }>`SELECT current_setting('track_commit_timestamp') AS on`.execute(world.env.db);
  return r.rows[0]?.on === 'on';
}

/**
 * Have the broker stamp each record of the world's topics with its append time
 * (`message.timestamp.type=LogAppendTime`), so "published" is when the broker took the record,
 * not when a producer began to send it.
 */
export async function useBrokerTimestamps(world: World): Promise<void> {
  const admin = world.env.kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: topicList(world.env.topics).map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function maxFileId(world: World): Promise<number> {
  const r = await sql<{ m: number | null }>`SELECT max(id) AS m FROM files`.execute(world.env.db);
  return r.rows[0]?.m ?? 0;
}

/** Wait (bounded) until nothing is pending/processing and the outbox is empty. */
export function waitForDrain(world: World, timeoutMs: number): Promise<boolean> {
  return waitForQuiescence(world, [], timeoutMs).then(
    () => true,
    () => false,
  );
}

export interface FixedRateResult {
  readonly rate: number;
  readonly accepted: number;
  readonly failed: number;
  /** Why they failed, and how often (absent in older saved results). */
  readonly failures?: Readonly<Record<string, number>>;
  /** How long the POSTs took (rate * seconds requests): longer than planned when the API fell behind. */
  readonly postSeconds: number;
  readonly drained: boolean;
  readonly hops: Hops;
}

/**
 * Open-loop POSTs at `rate`/s for `seconds`, then per-hop latency. Before that, `warmupSeconds`
 * of the same load, not measured: the services are fresh processes (V8 has not optimised their
 * hot paths yet), consumer groups have just joined, connections are not open.
 */
export async function fixedRate(
  world: World,
  o: { rate: number; seconds: number; warmupSeconds: number; csvPath?: string | undefined },
): Promise<FixedRateResult> {
  const { rate, seconds } = o;
  const url = await world.baseUrl();
  await postAtRate(url, rate, Math.round(rate * o.warmupSeconds));
  await waitForDrain(world, 60_000);
  const before = await maxFileId(world);
  const load = await postAtRate(url, rate, rate * seconds);
  const drained = await waitForDrain(world, 60_000);
  await sleep(500);
  return {
    rate,
    accepted: load.acked.size,
    failed: load.failed,
    failures: load.failures,
    postSeconds: load.seconds,
    drained,
    hops: await measureHops(world, before, load.acked, o.csvPath),
  };
}

export interface MaxRateResult {
  readonly load: CannonResult;
  readonly drained: boolean;
  readonly hops: Hops;
  readonly rssMb: Record<string, number | undefined>;
}

/** Closed-loop max intake with the whole pipeline running, then the time until everything completed. */
export async function maxRate(
  world: World,
  o: {
    connections: number;
    seconds: number;
    drainTimeoutMs: number;
    extraPids?: Record<string, number | undefined>;
    csvPath?: string | undefined;
    /** More fields of each POST's body (a format). */
    extraBody?: Record<string, unknown>;
  },
): Promise<MaxRateResult> {
  const before = await maxFileId(world);
  const load = await postFilesWithAutocannon(await world.baseUrl(), o.connections, o.seconds, {}, o.extraBody);
  const drained = await waitForDrain(world, o.drainTimeoutMs);
  const rssMb: Record<string, number | undefined> = {
    api: peakRssMb(world.api.pid),
    'outbox-relay': peakRssMb(world.relay.pid),
    'file-processor': peakRssMb(world.processor.pid),
  };
  for (const [name, pid] of Object.entries(o.extraPids ?? {})) rssMb[name] = peakRssMb(pid);
  return { load, drained, hops: await measureHops(world, before, undefined, o.csvPath), rssMb };
}
