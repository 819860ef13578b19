/** Detached background processes: own session, output appended to a rotated log, a pid file. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { RunName } from '../config';
import { ensureDir } from '../paths';
import { writePidRecord } from './pid-file';

const MAX_LOG_BYTES = 20 * 1024 * 1024;

/** Keep one previous generation (<name>.log.1) once a log passes MAX_LOG_BYTES. */
function rotateLog(file: string): void {
  try {
    if (fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}

export interface SpawnOptions {
  name: RunName;
  command: string;
  args: string[];
  logFile: string;
  marker: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

/**
 * Start a process in its own session/process group (detached), stdout+stderr appended to the
 * log file, not tied to this Node process, and record it in .stack/pids/<name>.pid.
 */
export async function spawnDetached(opts: SpawnOptions): Promise<number> {
  ensureDir(path.dirname(opts.logFile));
  rotateLog(opts.logFile);
  fs.appendFileSync(
    opts.logFile,
    `\n===== ${new Date().toISOString()} starting ${opts.name}: ${opts.command} ${opts.args.join(' ')}\n`,
  );
  const fd = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      uid: opts.uid,
      gid: opts.gid,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`[${opts.name}] cannot start ${opts.command}: ${err.message}`)));
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`[${opts.name}] ${opts.command} started without a pid`);
    writePidRecord(opts.name, {
      pid,
      marker: opts.marker,
      command: [opts.command, ...opts.args].join(' '),
      startedAt: new Date().toISOString(),
    });
    return pid;
  } finally {
    fs.closeSync(fd);
  }
}
