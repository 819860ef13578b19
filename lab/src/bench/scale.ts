import { cpus } from 'node:os';
import { createWorld, type World } from '../chaos/world';
import type { ServiceKind, ServiceProcess } from '../chaos/service-process';
import { measureHops, maxFileId, useBrokerTimestamps, waitForDrain } from './e2e';
import { postFilesWithAutocannon, type CannonResult } from './load-generators';
import { cpuSeconds, machineCpu } from './measure';
import type { BenchOptions } from './options';
import { attempt, log } from './run-helpers';

/** Partitions of each topic in the scale phase: room for two consumers of a group and more. */
export const scalePartitions = 6;

const kinds: readonly ServiceKind[] = ['api', 'outbox-relay', 'file-processor'];

/** The closed-loop figures of one configuration: `instances` processes of each service. */
export interface ScaleRun {
  readonly instances: number;
  /** POSTs accepted per second, over every API instance. */
  readonly intakePerSecond: number;
  /** Completed files / (last completed - first commit), as the closed-loop phases count. */
  readonly completedPerSecond: number;
  readonly files: number;
  readonly drained: boolean;
  /** CPU of every service process per completed file, in ms. */
  readonly cpuMsPerFile: number;
  /** The same by service (all its instances), in ms per file. */
  readonly cpuMsPerFileByService: Readonly<Record<string, number>>;
  readonly failedPosts: number;
  /** Share of all the machine's cores busy (any process) from the closed loop's start until all completed. */
  readonly machineBusy: number;
}

export interface ScaleResult {
  readonly partitions: number;
  readonly cores: number;
  readonly runs: ScaleRun[];
}

/** Closed loop against every URL at once, `connections` shared among them. */
async function postToAll(urls: readonly string[], connections: number, seconds: number): Promise<CannonResult[]> {
  const each = Math.max(1, Math.round(connections / urls.length));
  return Promise.all(urls.map((url) => postFilesWithAutocannon(url, each, seconds)));
}

/** The world's own processes plus `instances - 1` more of each service (`World.addInstance`: own port, client id, log folder). */
async function withInstances(w: World, instances: number): Promise<Map<ServiceKind, ServiceProcess[]>> {
  const byKind = new Map<ServiceKind, ServiceProcess[]>([
    ['api', [w.api]],
    ['outbox-relay', [w.relay]],
    ['file-processor', [w.processor]],
  ]);
  for (let i = 2; i <= instances; i++) {
    for (const kind of kinds) byKind.get(kind)?.push(await w.addInstance(kind));
  }
  return byKind;
}

/**
 * One configuration on a fresh polling world with `scalePartitions` partitions per topic:
 * `instances` of each service started, `warmupSeconds` of closed loop unmeasured, then the closed
 * loop for `seconds` spread over every API instance's URL and the wait until all completed, with
 * the CPU time of every service process over it.
 */
export async function measureScale(o: {
  instances: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  drainTimeoutMs: number;
}): Promise<ScaleRun> {
  const w = await createWorld(`scale${o.instances}`, 'polling', { partitions: scalePartitions });
  try {
    const byKind = await withInstances(w, o.instances);
    const all = [...byKind.values()].flat();
    // Started one kind at a time, so the consumer groups settle once rather than rebalance per join.
    for (const kind of kinds) await Promise.all((byKind.get(kind) ?? []).map((p) => p.start()));
    await useBrokerTimestamps(w);
    const urls = await Promise.all((byKind.get('api') ?? []).map(async (p) => `http://127.0.0.1:${await p.port}`));
    await postToAll(urls, o.connections, o.warmupSeconds);
    // The warm-up must come through: a consumer group that has not settled yet would otherwise
    // be measured as a slow pipeline.
    const warmupDrainMs = Math.max(o.drainTimeoutMs, 120_000);
    if (!(await waitForDrain(w, warmupDrainMs))) {
      throw new Error(`the warm-up's files did not all complete within ${warmupDrainMs / 1000} s`);
    }

    const before = all.map((p) => cpuSeconds(p.pid));
    const machineBefore = machineCpu();
    const firstId = await maxFileId(w);
    const loads = await postToAll(urls, o.connections, o.seconds);
    const drained = await waitForDrain(w, o.drainTimeoutMs);
    const used = all.map((p, i) => cpuSeconds(p.pid) - (before[i] ?? 0));
    const machineAfter = machineCpu();
    const hops = await measureHops(w, firstId);
    const files = hops.complete;
    const perFile = (cpu: number) => (files > 0 ? (cpu * 1000) / files : NaN);
    const byService: Record<string, number> = {};
    for (const kind of kinds) {
      const cpu = all.reduce((sum, p, i) => (p.kind === kind ? sum + (used[i] ?? 0) : sum), 0);
      byService[kind] = perFile(cpu);
    }
    return {
      instances: o.instances,
      intakePerSecond: loads.reduce((sum, l) => sum + l.rate, 0),
      completedPerSecond: hops.completedPerSecond,
      files,
      drained,
      cpuMsPerFile: perFile(used.reduce((a, b) => a + b, 0)),
      cpuMsPerFileByService: byService,
      failedPosts: loads.reduce((sum, l) => sum + l.non2xx + l.errors, 0),
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
  } finally {
    await w.dispose();
  }
}

/**
 * The scale phase: the same closed loop with one and with two of each service, in one run.
 * On a machine with few cores the second instances compete for the cores the first had (with
 * PostgreSQL, Kafka, S3Proxy and the load generator), so this shows what the design allows only
 * where the cores are not already the limit.
 */
export async function runScalePhase(o: BenchOptions, errors: string[]): Promise<ScaleResult> {
  const runs: ScaleRun[] = [];
  for (const instances of [1, 2]) {
    log(
      `scale: ${instances} of each service, ${scalePartitions} partitions, closed loop for ${o.maxSeconds} s over ${instances} API URL(s)`,
    );
    const r = await attempt(`scale ${instances}`, errors, () =>
      measureScale({
        instances,
        connections: o.connections,
        seconds: o.maxSeconds,
        warmupSeconds: o.quick ? 1 : 5,
        drainTimeoutMs: o.drainTimeoutS * 1000,
      }),
    );
    if (r) runs.push(r);
  }
  return { partitions: scalePartitions, cores: cpus().length, runs };
}
