import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from '../chaos/world';
import { fixedRate, maxRate, useBrokerTimestamps } from './e2e';
import { connectPid } from './machine';
import type { BenchOptions } from './options';
import { cpuProfileNodeOptions, topSelfTime } from './profile';
import type { BenchResults } from './results';
import { searchSustainableRate, type SustainResult } from './sustainable';
import { repoRoot } from '../repo-root';

/**
 * The end-to-end part for one relay mode, on a fresh world: the services started (under the CPU
 * profiler with `--profile`), the fixed rate, the closed-loop maximum, then the search of the
 * maximum sustainable rate.
 */
export async function runEndToEnd(
  w: World,
  mode: 'polling' | 'debezium',
  o: BenchOptions,
  log: (msg: string) => void,
): Promise<{ result: BenchResults['e2e'][number]; processorProfile?: string[] }> {
  const profDir = (service: string) => join(repoRoot, '.stack/bench/prof', `${service}-${w.env.id}`);
  const profiled = (service: string) => (o.profile ? { NODE_OPTIONS: cpuProfileNodeOptions(profDir(service)) } : {});
  await Promise.all([
    w.api.start(profiled('api')),
    w.relay.start(profiled('relay')),
    w.processor.start(profiled('processor')),
  ]);
  await useBrokerTimestamps(w);
  const csv = (phase: string) => (o.hopsCsvDir ? join(o.hopsCsvDir, `e2e-${mode}-${phase}.csv`) : undefined);
  if (o.hopsCsvDir) mkdirSync(o.hopsCsvDir, { recursive: true });
  const fixed = await fixedRate(w, {
    rate: o.fixedRate,
    seconds: o.fixedSeconds,
    warmupSeconds: o.warmupSeconds,
    csvPath: csv('fixed'),
  });
  log(`e2e ${mode}: fixed rate done (${fixed.accepted} files); max rate`);
  const max = await maxRate(w, {
    connections: o.connections,
    seconds: o.maxSeconds,
    drainTimeoutMs: o.drainTimeoutS * 1000,
    csvPath: csv('max'),
    extraPids: mode === 'debezium' ? { 'kafka-connect (shared JVM, peak since its start)': connectPid() } : {},
  });
  let sustained: SustainResult | undefined;
  if (o.sustainSteps > 0) {
    log(
      `e2e ${mode}: maximum sustainable rate (open loop, ${o.sustainSeconds} s a step; sustained unless the latency rises)`,
    );
    const overload = max.hops.completedPerSecond;
    sustained = await searchSustainableRate(w, {
      seconds: o.sustainSeconds,
      riseFactor: o.sustainRise,
      riseMs: 100,
      lateMaxMs: 1_000,
      // First guess: two thirds of the closed-loop figure, which includes the catch-up after
      // intake stopped, when the processor had the machine to itself.
      start: o.sustainStart ?? (Number.isFinite(overload) ? overload * 0.65 : 400),
      maxSteps: o.sustainSteps,
      log,
      csvPath: (rate) => csv(`sustained-${rate}`),
    });
  }
  let processorProfile: string[] | undefined;
  if (o.profile) {
    // the profiles are written at exit
    await Promise.all([w.api.stop(), w.relay.stop(), w.processor.stop()]);
    for (const service of ['api', 'relay', 'processor']) {
      const top = topSelfTime(profDir(service));
      if (service === 'processor') processorProfile = top;
      log(`${service} profile (${mode}, self time):\n${top.join('\n')}`);
    }
  }
  return { result: { mode, fixed, max, sustained }, ...(processorProfile ? { processorProfile } : {}) };
}
