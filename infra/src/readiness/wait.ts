/** Waiting for readiness (never a sleep): poll a real probe, bounded, with an error pointing at the log. */
import * as fs from 'fs';
import { fmtSecs } from '../log';
import { isAlive } from '../process/liveness';
import { sleep } from '../process/sleep';

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function tailFile(file: string, lines = 20): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 32 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf
        .toString('utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no log)';
  }
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  logFile?: string;
  /** Fail fast when this process dies while we wait. */
  pid?: number;
}

/** Poll `probe` until it resolves, with a bounded timeout and an error pointing at the log. */
export async function waitFor<T>(probe: () => Promise<T>, o: WaitOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  let last = 'not tried';
  const logHint = o.logFile ? `\n  log: ${o.logFile}\n  last lines:\n${tailFile(o.logFile, 15)}` : '';
  for (;;) {
    if (o.pid !== undefined && !isAlive(o.pid)) {
      throw new Error(`${o.what}: process ${o.pid} exited during start-up (last probe error: ${last})${logHint}`);
    }
    try {
      return await probe();
    } catch (err) {
      last = errorMessage(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${o.what} not ready after ${fmtSecs(Date.now() - started)}: ${last}${logHint}`);
    }
    await sleep(o.intervalMs ?? 250);
  }
}
