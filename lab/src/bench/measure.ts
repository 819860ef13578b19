import { readFileSync } from 'node:fs';

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of `values` (ms). */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN) : NaN);
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? (s[s.length - 1] ?? NaN) : NaN };
}

export interface LoopResult {
  readonly ops: number;
  readonly seconds: number;
  readonly rate: number;
  readonly latency: Summary;
  readonly errors: number;
}

/**
 * `workers` concurrent loops calling `op` back to back for `durationMs` (closed loop), after
 * `warmupMs` of the same loop that is not measured (the servers' JIT and the client's warm up,
 * as the end-to-end phases have their warm-up). `op` gets a running index, never repeated
 * across the two, and returns how many items it moved (1 for one request, the batch size for a
 * batch).
 */
export async function closedLoop(
  workers: number,
  durationMs: number,
  op: (i: number) => Promise<number>,
  { warmupMs = 0 }: { warmupMs?: number } = {},
): Promise<LoopResult> {
  let next = 0;
  const run = async (ms: number) => {
    const latencies: number[] = [];
    let ops = 0;
    let errors = 0;
    const started = performance.now();
    const end = started + ms;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          try {
            const moved = await op(next++); // not `ops += await`: that would read `ops` before the await
            ops += moved;
            latencies.push(performance.now() - t);
          } catch {
            errors += 1;
            if (errors > 100) throw new Error('more than 100 errors in a closed loop; is the stack up?');
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { ops, seconds, rate: ops / seconds, latency: summarize(latencies), errors };
  };
  if (warmupMs > 0) await run(warmupMs);
  return run(durationMs);
}

/** Peak resident set size (VmHWM) of a process, in MB; undefined if it is gone. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it returns true or `timeoutMs` passes; resolves with whether it did. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

export const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Clock ticks a second of the CPU times in /proc (USER_HZ, 100 on Linux). */
export const jiffiesPerSecond = 100;

/** The numbers of the line of /proc/stat that starts with `name` (`cpu`: all cores summed). */
function procStat(name: string): number[] {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name} `));
  return (line ?? '').split(/\s+/).slice(1).map(Number);
}

/** The machine's CPU time so far, busy and in all (jiffies over every core), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const f = procStat('cpu');
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user .. steal; guest is counted in user
  const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle, iowait
  return { busy: total - idle, total };
}

/**
 * Context switches so far over the whole machine (the `ctxt` line of /proc/stat): every time a
 * core moved from one thread to another, a thread waking up included.
 */
export function machineContextSwitches(): number {
  return procStat('ctxt')[0] ?? NaN;
}

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command.
    return (Number(fields[11]) + Number(fields[12])) / jiffiesPerSecond;
  } catch {
    return 0;
  }
}
