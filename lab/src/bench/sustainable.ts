import { waitForDrain, maxFileId, measureHops, type Hops, type LatencyTrend } from './e2e';
import { postAtRate } from './load-generators';
import { jiffiesPerSecond, machineCpu } from './measure';
import { describeBackground, pgActivity, pgBackground, type PgBackground } from './pg-background';
import type { World } from '../chaos/world';

/**
 * The maximum sustainable end-to-end rate, as stream-processing benchmarks define it (Karimov et
 * al., "Benchmarking distributed stream data processing systems", ICDE 2018): the highest rate the
 * system handles without a continuously rising latency. Each step POSTs open loop at one rate;
 * the step is sustained when every file was accepted on schedule and completed, and the files of
 * the step's last third took no longer than those of its first third (within `riseFactor` and
 * `riseMs`, and under `lateMaxMs`): a backlog that grows shows as a latency that grows. (The closed-loop maximum phase
 * measures something else: intake beyond what the pipeline can process, worked off afterwards.)
 */

export interface SustainCriteria {
  /** Seconds of open-loop POSTs per step. */
  readonly seconds: number;
  /** Sustained when the last third's median commit -> completed <= first third's x this + `riseMs`, */
  readonly riseFactor: number;
  readonly riseMs: number;
  /** and at most this: a queue seconds long from the step's start on is no steady state either. */
  readonly lateMaxMs: number;
}

/** One step of the search: `rate` POST/s for `seconds`, and what became of the files. */
export interface SustainStep {
  readonly rate: number;
  readonly accepted: number;
  readonly failed: number;
  /** Why they failed (`postAtRate`), and how often. */
  readonly failures?: Readonly<Record<string, number>>;
  /** How long the POSTs took: longer than planned when the API could not take them at the rate. */
  readonly postSeconds: number;
  readonly completed: number;
  readonly p99TotalMs: number;
  /** Median commit -> completed of the first and the last third of the step. */
  readonly trend: LatencyTrend;
  /**
   * CPU of every process on the machine from the step's first POST until its files drained, in
   * ms per accepted file, and the same without the benchmark's own process (the load generator).
   */
  readonly cpuMsPerFile?: { readonly all: number; readonly withoutLoadGenerator: number };
  /** What PostgreSQL did beside the load over the same span (checkpoints, page images, vacuums). */
  readonly background?: PgBackground;
  readonly sustained: boolean;
  /** Why not, when not. */
  readonly why: string;
}

/** `ECONNRESET 2, HTTP 503 1`: why POSTs failed and how often (`postAtRate`), or '' (pure). */
export function describeFailures(failures: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(failures ?? {})
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

/** Whether a step's figures show a pipeline that kept up (pure). */
export function judgeStep(
  c: SustainCriteria,
  s: Pick<SustainStep, 'accepted' | 'failed' | 'failures' | 'postSeconds' | 'completed' | 'trend'>,
): { sustained: boolean; why: string } {
  const why: string[] = [];
  if (s.failed > 0) {
    const reasons = describeFailures(s.failures);
    why.push(`${s.failed} POSTs not accepted${reasons ? ` (${reasons})` : ''}`);
  }
  // The generator sends each POST at its due time; finishing late means the API fell behind.
  if (s.postSeconds > c.seconds * 1.05 + 0.25) why.push(`POSTs took ${s.postSeconds.toFixed(1)} s, not ${c.seconds}`);
  if (s.completed < s.accepted) why.push(`${s.accepted - s.completed} of ${s.accepted} not completed`);
  const bound = Math.min(s.trend.early * c.riseFactor + c.riseMs, c.lateMaxMs);
  if (!(s.trend.late <= bound)) {
    why.push(`latency rose: median ${Math.round(s.trend.early)} -> ${Math.round(s.trend.late)} ms`);
  }
  return { sustained: why.length === 0, why: why.join('; ') };
}

export interface SearchSettings {
  /** Stop when the highest sustained rate and the lowest failed one above it are this close (fraction). */
  readonly resolution: number;
  /** Step up by this factor while nothing has failed yet. */
  readonly growth: number;
  /** Do not search below this rate. */
  readonly floor: number;
}

export const defaultSearch: SearchSettings = { resolution: 0.05, growth: 1.2, floor: 50 };

const round10 = (x: number) => Math.round(x / 10) * 10;

/**
 * The next rate to try after `steps`, or undefined when the search is done (pure): up by `growth`
 * until a rate fails, down by a fifth until one holds, then halve the interval between the best
 * sustained rate and the lowest failed one above it until they are within `resolution`.
 */
export function nextRate(
  steps: readonly Pick<SustainStep, 'rate' | 'sustained'>[],
  s: SearchSettings = defaultSearch,
): number | undefined {
  const held = steps.filter((x) => x.sustained).map((x) => x.rate);
  const lo = held.length ? Math.max(...held) : undefined;
  const failedAbove = steps.filter((x) => !x.sustained && (lo === undefined || x.rate > lo)).map((x) => x.rate);
  const hi = failedAbove.length ? Math.min(...failedAbove) : undefined;
  let next: number;
  if (lo === undefined) {
    if (hi === undefined) return undefined; // nothing tried: the caller picks the first rate
    next = round10(hi * 0.8);
    if (next < s.floor) return undefined;
  } else if (hi === undefined) {
    next = round10(lo * s.growth);
  } else {
    if ((hi - lo) / lo <= s.resolution) return undefined;
    next = round10((lo + hi) / 2);
  }
  return steps.some((x) => x.rate === next) ? undefined : next;
}

export interface SustainResult {
  readonly criteria: SustainCriteria;
  /** The highest sustained rate, or null if none held. */
  readonly rate: number | null;
  readonly steps: SustainStep[];
  /** Per-hop latency at that rate. */
  readonly hops: Hops | null;
}

/**
 * Search the maximum sustainable rate of `world`, starting at `start` POST/s, at most `maxSteps`
 * steps. The caller starts it on a drained pipeline; each step waits until its own files drained. With `csvPath(rate)`, each step's
 * per-file timestamps are written there.
 */
export async function searchSustainableRate(
  world: World,
  o: SustainCriteria & {
    start: number;
    maxSteps: number;
    search?: SearchSettings;
    log?: (msg: string) => void;
    csvPath?: (rate: number) => string | undefined;
  },
): Promise<SustainResult> {
  const url = await world.baseUrl();
  const steps: SustainStep[] = [];
  const hopsAt = new Map<number, Hops>();
  let rate: number | undefined = Math.max(round10(o.start), o.search?.floor ?? defaultSearch.floor);
  while (rate !== undefined && steps.length < o.maxSteps) {
    const before = await maxFileId(world);
    const cpu0 = machineCpu();
    const own0 = process.cpuUsage();
    const pg0 = await pgActivity(world.env.db);
    // Enough sockets that the generator stays open loop while the API's latency rises.
    const load = await postAtRate(url, rate, Math.round(rate * o.seconds), 256);
    await waitForDrain(world, 60_000);
    const own = process.cpuUsage(own0);
    const background = pgBackground(pg0, await pgActivity(world.env.db));
    const busyMs = ((machineCpu().busy - cpu0.busy) * 1000) / jiffiesPerSecond;
    const perFile = (ms: number) => (load.acked.size > 0 ? ms / load.acked.size : NaN);
    const cpuMsPerFile = {
      all: perFile(busyMs),
      withoutLoadGenerator: perFile(busyMs - (own.user + own.system) / 1000),
    };
    const hops = await measureHops(world, before, load.acked, o.csvPath?.(rate));
    const figures = {
      accepted: load.acked.size,
      failed: load.failed,
      failures: load.failures,
      postSeconds: load.seconds,
      completed: hops.complete,
      p99TotalMs: hops.total.p99,
      trend: hops.totalTrend ?? { early: NaN, late: NaN },
      cpuMsPerFile,
      background,
    };
    const step: SustainStep = { rate, ...figures, ...judgeStep(o, figures) };
    steps.push(step);
    hopsAt.set(rate, hops);
    o.log?.(
      `  ${rate}/s: ${step.sustained ? 'sustained' : `not sustained (${step.why})`}; median ${Math.round(step.trend.early)} -> ${Math.round(step.trend.late)} ms, p99 ${Math.round(step.p99TotalMs)} ms; CPU ${cpuMsPerFile.all.toFixed(2)} ms a file, all processes (${cpuMsPerFile.withoutLoadGenerator.toFixed(2)} without the load generator); ${describeBackground(background, load.acked.size)}`,
    );
    rate = nextRate(steps, o.search);
  }
  const held = steps.filter((s) => s.sustained).map((s) => s.rate);
  const best = held.length ? Math.max(...held) : null;
  return {
    criteria: { seconds: o.seconds, riseFactor: o.riseFactor, riseMs: o.riseMs, lateMaxMs: o.lateMaxMs },
    rate: best,
    steps,
    hops: best === null ? null : (hopsAt.get(best) ?? null),
  };
}
