/** Orchestration: bring components up in parallel, stop them, report status. */
import * as fs from 'fs';
import * as path from 'path';
import {
  COMPONENT_NAMES,
  CORE_COMPONENT_NAMES,
  SERVICE_NAMES,
  isExternal,
  stackInfo,
  type ComponentName,
  type ProcessName,
  type ServiceName,
  type StackInfo,
} from './config';
import { connectComponent } from './components/connect';
import { kafkaComponent } from './components/kafka';
import { postgresComponent } from './components/postgres';
import { s3Component } from './components/s3';
import { SERVICES, ensureService, readyUrl, runMigrations, serviceDef, stopService } from './components/services';
import type { LocalComponent } from './components/types';
import { type Reporter, fmtSecs } from './log';
import { REPO_ROOT, ensureStackDirs, logFile } from './paths';
import { describeListeners, findListeners, isPortOpen } from './ports';
import {
  dirSizeBytes,
  isOurs,
  removePidRecord,
  rssBytes,
  runningPid,
  processTree,
  signalTree,
  waitForExit,
  withStackLock,
  writePidRecord,
  type StopResult,
} from './process-control';
import { errorMessage, probeHttp, waitFor } from './readiness';

const components: Record<ComponentName, LocalComponent> = {
  postgres: postgresComponent(),
  kafka: kafkaComponent(),
  s3: s3Component(),
  connect: connectComponent(),
};

export const isComponentName = (n: string): n is ComponentName => (COMPONENT_NAMES as readonly string[]).includes(n);
export const isServiceName = (n: string): n is ServiceName => (SERVICE_NAMES as readonly string[]).includes(n);

/** Pid of our running process: from the pid file, or adopted from the port's listener if it is ours. */
export function ourPid(c: LocalComponent): number | undefined {
  const pid = runningPid(c.name);
  if (pid !== undefined) return pid;
  for (const l of findListeners(c.ports[0] ?? 0)) {
    if (isOurs(l.pid, c.marker)) {
      writePidRecord(c.name, { pid: l.pid, marker: c.marker, command: l.command, startedAt: 'adopted' });
      return l.pid;
    }
  }
  return undefined;
}

/** Open, and still open after a few seconds when no visible process owns it (a dying one). */
async function portStaysTaken(port: number): Promise<boolean> {
  if (!(await isPortOpen(port))) return false;
  if (findListeners(port).length > 0) return true;
  return waitFor(
    async () => {
      if (await isPortOpen(port)) throw new Error('open');
    },
    { what: `port ${port}`, timeoutMs: 5_000, intervalMs: 200 },
  ).then(
    () => false,
    () => true,
  );
}

function lockNotice(report: Reporter): (holder: number) => void {
  return (holder) => report('stack', `waiting for another launcher (pid ${holder}) to finish`);
}

/** Bring one component to ready: keep it if running and healthy, else install + start + wait. */
export async function ensureComponent(c: LocalComponent, info: StackInfo, report: Reporter): Promise<void> {
  const t0 = Date.now();
  if (isExternal(c.name)) {
    report(c.name, 'external (FILEFLOW_EXTERNAL): waiting for it');
    await waitFor(() => c.probe(info), { what: `[${c.name}] (external)`, timeoutMs: c.readyTimeoutMs });
    await c.setup(info, report, false);
    report(c.name, `external, ready in ${fmtSecs(Date.now() - t0)}`);
    return;
  }
  const running = ourPid(c);
  if (running !== undefined) {
    await waitFor(() => c.probe(info), {
      what: `[${c.name}] (pid ${running})`,
      timeoutMs: c.readyTimeoutMs,
      pid: running,
      logFile: c.logFile,
    });
    await c.setup(info, report, false);
    report(c.name, `already running (pid ${running}), ready`);
    return;
  }
  for (const port of c.ports) {
    if (await portStaysTaken(port)) {
      throw new Error(
        `[${c.name}] port ${port} on 127.0.0.1 is already in use by ${describeListeners(port)}, which this launcher did not start. ` +
          `Stop it, or use it as external infrastructure (FILEFLOW_EXTERNAL=${c.name}, see infra/README.md).`,
      );
    }
  }
  await c.install(report, info);
  report(c.name, 'starting');
  const pid = await c.spawn(report);
  await waitFor(() => c.probe(info), { what: `[${c.name}]`, timeoutMs: c.readyTimeoutMs, pid, logFile: c.logFile });
  await c.setup(info, report, true);
  report(c.name, `ready in ${fmtSecs(Date.now() - t0)} (pid ${pid})`);
}

async function allOrThrow(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
  if (errors.length > 0) throw new Error(errors.join('\n\n'));
}

export interface UpOptions {
  /** Also start Kafka Connect (after Kafka is ready). */
  connect?: boolean;
}

/** Kafka Connect needs Kafka: start it once Kafka is ready (an error of Kafka's is reported once, by Kafka). */
function connectAfterKafka(kafkaReady: Promise<void>, info: StackInfo, report: Reporter): Promise<void> {
  return kafkaReady.then(
    () => ensureComponent(components.connect, info, report),
    () => {
      throw new Error('[connect] not started: kafka is not ready');
    },
  );
}

export async function upStack(report: Reporter, opts: UpOptions = {}): Promise<StackInfo> {
  return withStackLock(async () => {
    ensureStackDirs();
    const t0 = Date.now();
    const info = stackInfo();
    const names = opts.connect ? COMPONENT_NAMES : CORE_COMPONENT_NAMES;
    // Maven runs one download at a time: queue Kafka's jars first (it is the slowest to start).
    for (const n of ['kafka', 's3', 'connect'] as const) {
      const c = components[n];
      if (names.includes(n) && !isExternal(n) && ourPid(c) === undefined) c.prefetch?.(report).catch(() => undefined);
    }
    const kafkaReady = ensureComponent(components.kafka, info, report);
    await allOrThrow(
      names.map((n) =>
        n === 'kafka'
          ? kafkaReady
          : n === 'connect'
            ? connectAfterKafka(kafkaReady, info, report)
            : ensureComponent(components[n], info, report),
      ),
    );
    report('stack', `ready in ${fmtSecs(Date.now() - t0)}`);
    return info;
  }, lockNotice(report));
}

export async function upServices(
  info: StackInfo,
  report: Reporter,
  names: readonly ServiceName[] = SERVICE_NAMES,
): Promise<void> {
  return withStackLock(async () => {
    const selected = SERVICES.filter((s) => names.includes(s.name));
    const missing = selected.filter(
      (s) => runningPid(s.name) === undefined && !fs.existsSync(path.join(REPO_ROOT, s.entry)),
    );
    if (missing.length > 0) {
      throw new Error(`cannot start services: ${missing.map((s) => s.entry).join(', ')} not found`);
    }
    await runMigrations(info, report);
    await allOrThrow(selected.map(async (s) => void (await ensureService(s, info, report))));
  }, lockNotice(report));
}

async function stopOne(name: ProcessName, report: Reporter): Promise<StopResult> {
  let result: StopResult;
  if (isServiceName(name)) {
    result = await stopService(serviceDef(name));
  } else {
    const c = components[name];
    if (isExternal(name)) {
      report(name, 'external: not stopped');
      return 'not-running';
    }
    const pid = ourPid(c);
    result = pid === undefined ? 'not-running' : await c.stop(pid);
  }
  removePidRecord(name);
  if (result !== 'not-running')
    report(name, result === 'killed' ? 'did not stop in time: killed (SIGKILL)' : 'stopped');
  return result;
}

export async function downAll(report: Reporter): Promise<void> {
  return withStackLock(async () => {
    await Promise.all(SERVICE_NAMES.map((n) => stopOne(n, report)));
    // Connect before Kafka: its graceful shutdown commits offsets and leaves its group
    await stopOne('connect', report);
    await Promise.all(CORE_COMPONENT_NAMES.map((n) => stopOne(n, report)));
  }, lockNotice(report));
}

export async function stopNamed(name: ProcessName, report: Reporter): Promise<StopResult> {
  return withStackLock(() => stopOne(name, report), lockNotice(report));
}

export async function startNamed(name: ProcessName, report: Reporter): Promise<void> {
  return withStackLock(async () => {
    ensureStackDirs();
    const info = stackInfo();
    if (isServiceName(name)) await ensureService(serviceDef(name), info, report);
    else {
      // Connect needs Kafka: make sure it is up first (a no-op when it is running)
      if (name === 'connect') await ensureComponent(components.kafka, info, report);
      await ensureComponent(components[name], info, report);
    }
  }, lockNotice(report));
}

/**
 * Send a signal to a running process and all its descendants (SIGKILL takes Postgres' backends
 * down with the postmaster, like a crash). Waits for the exit on SIGKILL/SIGTERM/SIGINT.
 */
export async function signalNamed(name: ProcessName, signal: NodeJS.Signals): Promise<number> {
  if (isComponentName(name) && isExternal(name)) throw new Error(`${name} is external: it cannot be signalled`);
  const pid = isServiceName(name) ? runningPid(name) : ourPid(components[name]);
  if (pid === undefined) throw new Error(`${name} is not running`);
  const tree = processTree(pid);
  signalTree(pid, signal);
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') {
    const timeout = signal === 'SIGKILL' ? 10_000 : 60_000;
    for (const p of tree) {
      if (!(await waitForExit(p, timeout))) throw new Error(`${name} (pid ${p}) did not exit after ${signal}`);
    }
  }
  return pid;
}

/* ---------------- status ---------------- */

export interface ProcessStatus {
  name: ProcessName;
  kind: 'component' | 'service';
  state: 'running' | 'stopped' | 'external' | 'port-in-use';
  pid?: number;
  ports: number[];
  ready: boolean;
  readyError?: string;
  rssBytes?: number;
  dataBytes?: number;
  logFile: string;
  detail: string;
}

async function probeQuick(probe: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('probe timed out')), 5_000);
      }),
    ]);
    return undefined;
  } catch (err) {
    return errorMessage(err);
  } finally {
    clearTimeout(timer);
  }
}

export async function statusAll(): Promise<ProcessStatus[]> {
  const info = stackInfo();
  const rows = COMPONENT_NAMES.map(async (name): Promise<ProcessStatus> => {
    const c = components[name];
    const base = { name, kind: 'component' as const, ports: c.ports, logFile: c.logFile, detail: c.description };
    if (isExternal(name)) {
      const err = await probeQuick(() => c.probe(info));
      return { ...base, state: 'external', ready: err === undefined, readyError: err };
    }
    const pid = ourPid(c);
    const dataBytes = c.dataDir !== undefined ? dirSizeBytes(c.dataDir) : undefined;
    if (pid === undefined) {
      const taken = (await Promise.all(c.ports.map((p) => isPortOpen(p)))).some(Boolean);
      return { ...base, state: taken ? 'port-in-use' : 'stopped', ready: false, dataBytes };
    }
    const err = await probeQuick(() => c.probe(info));
    return {
      ...base,
      state: 'running',
      pid,
      ready: err === undefined,
      readyError: err,
      rssBytes: rssBytes(pid),
      dataBytes,
    };
  });
  const svcRows = SERVICES.map(async (s): Promise<ProcessStatus> => {
    const base = { name: s.name, kind: 'service' as const, ports: [s.port], logFile: logFile(s.name), detail: s.entry };
    const pid = runningPid(s.name);
    if (pid === undefined) {
      return { ...base, state: (await isPortOpen(s.port)) ? 'port-in-use' : 'stopped', ready: false };
    }
    const err = await probeQuick(() => probeHttp(readyUrl(s)));
    return { ...base, state: 'running', pid, ready: err === undefined, readyError: err, rssBytes: rssBytes(pid) };
  });
  return Promise.all([...rows, ...svcRows]);
}
