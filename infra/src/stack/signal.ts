import { isExternal, type InstanceName, type ProcessName } from '../config';
import { runningPid } from '../process/pid-file';
import { waitForExit } from '../process/stop';
import { processTree, signalTree } from '../process/tree';
import { ScaleError, instanceName, parseTarget } from '../scale/scale';
import { runningInstances } from '../scale/scale-file';
import { components, isComponentName, ourPid } from './registry';

/** The running pids a name means: a component's, one instance's, or every instance's of a service. */
function pidsNamed(name: ProcessName | InstanceName): number[] {
  if (isComponentName(name)) {
    if (isExternal(name)) throw new Error(`${name} is external: it cannot be signalled`);
    const pid = ourPid(components[name]);
    return pid === undefined ? [] : [pid];
  }
  const target = parseTarget(name);
  if (!target) throw new ScaleError(`unknown name ${name}`);
  if (target.index === undefined) return runningInstances(target.service).map((r) => r.pid);
  const pid = runningPid(instanceName({ service: target.service, index: target.index }));
  return pid === undefined ? [] : [pid];
}

/**
 * Send a signal to a running process and all its descendants (SIGKILL takes Postgres' backends
 * down with the postmaster, like a crash); a service name signals every instance of it. Waits for
 * the exit on SIGKILL/SIGTERM/SIGINT. Returns the main pids.
 */
export async function signalNamed(name: ProcessName | InstanceName, signal: NodeJS.Signals): Promise<number[]> {
  const pids = pidsNamed(name);
  if (pids.length === 0) throw new Error(`${name} is not running`);
  const trees = pids.map((pid) => {
    const tree = processTree(pid);
    signalTree(pid, signal);
    return tree;
  });
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') {
    const timeout = signal === 'SIGKILL' ? 10_000 : 60_000;
    for (const p of trees.flat()) {
      if (!(await waitForExit(p, timeout))) throw new Error(`${name} (pid ${p}) did not exit after ${signal}`);
    }
  }
  return pids;
}
