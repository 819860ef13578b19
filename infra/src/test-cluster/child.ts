/**
 * A JVM of a throw-away test cluster: a child of this process (not a launcher component: no pid
 * file), its output appended to a log, SIGKILLed when this process exits however it exits.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensureDir } from '../paths';

export interface TestChild {
  readonly pid: number;
  readonly running: () => boolean;
  /** Signal it; for SIGKILL/SIGTERM resolve once it is gone (SIGKILL after `graceMs` for SIGTERM). */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const alive = new Set<ChildProcess>();
let hooked = false;

/** On any exit of this process (a failed test, a timeout), its test JVMs go too. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of alive) c.kill('SIGKILL');
  });
}

export async function startTestChild(o: { command: string; args: string[]; logFile: string }): Promise<TestChild> {
  hookExit();
  ensureDir(path.dirname(o.logFile));
  fs.appendFileSync(o.logFile, `\n===== ${new Date().toISOString()} starting: ${o.command} ${o.args.join(' ')}\n`);
  const fd = fs.openSync(o.logFile, 'a');
  const child = spawn(o.command, o.args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`cannot start ${o.command}: ${err.message}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${o.command} started without a pid`);
  alive.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => alive.delete(child));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    running,
    async kill(signal = 'SIGKILL', graceMs = 20_000) {
      if (!running()) return;
      child.kill(signal);
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM') return;
      const timer = signal === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
      await exited;
      clearTimeout(timer);
    },
  };
}
