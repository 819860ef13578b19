/**
 * Detached background processes with pid files, liveness checks that survive pid reuse
 * (the pid file records a "marker" that must appear in /proc/<pid>/cmdline), graceful stop
 * (signal, bounded wait, then SIGKILL of the whole process tree), RSS and disk usage.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ProcessName } from './config';
import { PIDS_DIR, STACK_DIR, ensureDir, pidFile } from './paths';

export interface PidRecord {
  pid: number;
  /** A string that the process's command line must contain for the pid to still be ours. */
  marker: string;
  command: string;
  startedAt: string;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

export function readPidRecord(name: ProcessName): PidRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(pidFile(name), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const r = parsed as Partial<PidRecord>;
    if (typeof r.pid !== 'number' || typeof r.marker !== 'string') return undefined;
    return { pid: r.pid, marker: r.marker, command: r.command ?? '', startedAt: r.startedAt ?? '' };
  } catch {
    return undefined;
  }
}

export function writePidRecord(name: ProcessName, rec: PidRecord): void {
  ensureDir(PIDS_DIR);
  fs.writeFileSync(pidFile(name), JSON.stringify(rec, null, 2) + '\n');
}

export function removePidRecord(name: ProcessName): void {
  fs.rmSync(pidFile(name), { force: true });
}

interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/**
 * True while any thread of the process still runs. A zombie main thread is not enough to call a
 * process dead: in a multi-threaded process (a JVM) the other threads, which hold its sockets
 * and files, may still be exiting.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errCode(err) !== 'EPERM') return false;
  }
  const st = procStat(pid);
  if (st === undefined || (st.state !== 'Z' && st.state !== 'X')) return true;
  try {
    return fs.readdirSync(`/proc/${pid}/task`).some((tid) => {
      const state = procStat(Number(tid))?.state;
      return state !== undefined && state !== 'Z' && state !== 'X';
    });
  } catch {
    return false;
  }
}

export function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Alive and (where /proc exists) its command line contains the marker. */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cl = cmdline(pid);
  return cl === undefined ? true : cl.includes(marker);
}

/** The pid from the pid file if that process is alive and still ours; removes stale pid files. */
export function runningPid(name: ProcessName): number | undefined {
  const rec = readPidRecord(name);
  if (!rec) return undefined;
  if (isOurs(rec.pid, rec.marker)) return rec.pid;
  removePidRecord(name);
  return undefined;
}

function listPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The process, its descendants (by parent pid) and its process-group members. Postgres backends
 * call setsid(), so the process group alone does not cover them.
 */
export function processTree(pid: number): number[] {
  const stats = new Map<number, ProcStat>();
  for (const p of listPids()) {
    const st = procStat(p);
    if (st && st.state !== 'Z') stats.set(p, st);
  }
  const tree = new Set<number>([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, st] of stats) {
      if (!tree.has(p) && (tree.has(st.ppid) || st.pgrp === pid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Signal the whole tree (see processTree); returns how many processes were signalled. */
export function signalTree(pid: number, signal: NodeJS.Signals): number {
  let n = 0;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, signal);
      n++;
    } catch {
      /* already gone */
    }
  }
  return n;
}

function vmRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS of the process tree (e.g. the postmaster and all Postgres backends). */
export function rssBytes(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + vmRssBytes(p), 0);
}

export function dirSizeBytes(dir: string): number {
  let total = 0;
  const walk = (p: string): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(p);
      } catch {
        return;
      }
      for (const e of entries) walk(path.join(p, e));
    } else {
      total += st.blocks !== undefined ? st.blocks * 512 : st.size;
    }
  };
  walk(dir);
  return total;
}

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
  name: ProcessName;
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

/* ---------- a re-entrant cross-process lock around stack operations ---------- */

const LOCK_FILE = path.join(STACK_DIR, 'launcher.lock');
let lockDepth = 0;

export async function withStackLock<T>(fn: () => Promise<T>, onWait?: (holder: number) => void): Promise<T> {
  if (lockDepth > 0) {
    lockDepth++;
    try {
      return await fn();
    } finally {
      lockDepth--;
    }
  }
  ensureDir(STACK_DIR);
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (errCode(err) !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(LOCK_FILE, 'utf8').trim());
      if (!Number.isFinite(holder) || holder <= 0 || holder === process.pid || !isAlive(holder)) {
        fs.rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (!told) onWait?.(holder);
      told = true;
      if (Date.now() > deadline) throw new Error(`stack lock ${LOCK_FILE} held by pid ${holder} for too long`);
      await sleep(250);
    }
  }
  lockDepth = 1;
  try {
    return await fn();
  } finally {
    lockDepth = 0;
    fs.rmSync(LOCK_FILE, { force: true });
  }
}
