/** Bring one component to ready (keep, adopt or start it), refusing ports held by foreign processes. */
import { isExternal, type StackInfo } from '../config';
import type { LocalComponent } from '../components/types';
import { type Reporter, fmtSecs } from '../log';
import { describeListeners, findListeners, isPortOpen } from '../ports';
import { waitFor } from '../readiness/wait';
import { ourPid } from './registry';

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
