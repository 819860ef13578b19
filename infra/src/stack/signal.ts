import { isExternal, type ProcessName } from '../config';
import { runningPid } from '../process/pid-file';
import { waitForExit } from '../process/stop';
import { processTree, signalTree } from '../process/tree';
import { components, isComponentName, isServiceName, ourPid } from './registry';

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
