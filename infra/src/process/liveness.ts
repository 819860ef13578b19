/**
 * Liveness checks that survive pid reuse: a process counts as ours only while it is alive and
 * its /proc/<pid>/cmdline contains the marker recorded in its pid file.
 */
import * as fs from 'fs';
import { errCode } from './errno';

export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
}

export function procStat(pid: number): ProcStat | undefined {
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
