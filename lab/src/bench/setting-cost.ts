import { createServer } from 'node:http';
import type { World } from '../chaos/world';
import { maxRate, useBrokerTimestamps } from './e2e';
import { cpuSeconds } from './measure';

/** How the services ran, and what the same closed-loop load cost them. */
export interface SettingCost {
  readonly setting: string;
  /** Completed files per second (first commit to last completed). */
  readonly completedPerSecond: number;
  /** CPU of the three service processes per completed file, in ms. */
  readonly cpuMsPerFile: number;
  readonly files: number;
  readonly rssMb: Record<string, number | undefined>;
}

/** How the services run, and what they are asked to make, for one closed-loop measurement. */
export interface CostSetting {
  readonly setting: string;
  readonly env: Record<string, string>;
  readonly traces: boolean;
  /** More fields of each POST's body (a format). */
  readonly body?: Record<string, unknown>;
}

/** The settings compared: all off, metrics on, metrics and traces on. */
export const observabilitySettings: readonly CostSetting[] = [
  { setting: 'no metrics, no traces', env: { METRICS_ENABLED: 'false' }, traces: false },
  { setting: 'metrics', env: {}, traces: false },
  { setting: 'metrics and traces', env: {}, traces: true },
];

/** The formats compared (the services as they run by default: metrics on, no traces). */
export const formatSettings: readonly CostSetting[] = (['txt', 'pdf', 'docx'] as const).map((format) => ({
  setting: `format ${format}`,
  env: {},
  traces: false,
  body: { format },
}));

/**
 * An OTLP/HTTP endpoint that accepts every export and keeps nothing: traces cost the services what
 * they would cost against a collector, without one to install.
 */
export async function startTraceSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * One setting on a fresh world: the services started with it, a short unmeasured warm-up at the
 * maximum (`warmupSeconds`, default 5), then the closed-loop maximum, with the services' CPU over it.
 */
export async function measureSettingCost(
  w: World,
  s: CostSetting,
  o: { traceUrl: string; connections: number; seconds: number; drainTimeoutMs: number; warmupSeconds?: number },
): Promise<SettingCost> {
  const env = { ...s.env, ...(s.traces ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.traceUrl } : {}) };
  await Promise.all([w.api.start(env), w.relay.start(env), w.processor.start(env)]);
  await useBrokerTimestamps(w);
  const extraBody = s.body ?? {};
  await maxRate(w, {
    connections: o.connections,
    seconds: o.warmupSeconds ?? 5,
    drainTimeoutMs: o.drainTimeoutMs,
    extraBody,
  });
  const pids = [w.api.pid, w.relay.pid, w.processor.pid];
  const before = pids.map(cpuSeconds);
  const max = await maxRate(w, {
    connections: o.connections,
    seconds: o.seconds,
    drainTimeoutMs: o.drainTimeoutMs,
    extraBody,
  });
  const cpu = pids.map(cpuSeconds).reduce((sum, c, i) => sum + c - (before[i] ?? 0), 0);
  const files = max.hops.complete;
  return {
    setting: s.setting,
    completedPerSecond: max.hops.completedPerSecond,
    cpuMsPerFile: files > 0 ? (cpu * 1000) / files : NaN,
    files,
    rssMb: max.rssMb,
  };
}
