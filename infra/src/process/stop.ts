/** Graceful stop: signal, bounded wait, then SIGKILL of the whole process tree. */
import { errCode } from './errno';
import { isAlive } from './liveness';
import { sleep } from './sleep';
import { processTree, signalTree } from './tree';

/** Send a signal to a pid (group=false) or its whole process group. False if nothing was there. */
export function sendSignal(pid: number, signal: NodeJS.Signals, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch (err) {
    if (errCode(err) === 'ESRCH') return false;
    throw err;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

export type StopResult = 'stopped' | 'killed' | 'not-running';

/**
 * Graceful stop: `gracefully()` (default: SIGTERM to the leader), wait up to timeoutMs,
 * then SIGKILL the whole process group. Leftover group members are killed in any case.
 */
export async function stopProcess(
  pid: number,
  timeoutMs: number,
  gracefully: () => Promise<void> | void = () => void sendSignal(pid, 'SIGTERM'),
): Promise<StopResult> {
  if (!isAlive(pid)) return 'not-running';
  const tree = processTree(pid);
  await gracefully();
  let result: StopResult = 'stopped';
  if (!(await waitForExit(pid, timeoutMs))) {
    signalTree(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
    result = 'killed';
  }
  // children orphaned by the leader's exit (reparented, so no longer in its tree)
  for (const p of tree) if (p !== pid && isAlive(p)) sendSignal(p, 'SIGKILL');
  return result;
}
