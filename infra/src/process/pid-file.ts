/** Pid files (.stack/pids/<name>.pid): the pid, the marker its command line must contain, how it started. */
import * as fs from 'fs';
import type { RunName } from '../config';
import { PIDS_DIR, ensureDir, pidFile } from '../paths';
import { isOurs } from './liveness';

export interface PidRecord {
  pid: number;
  /** A string that the process's command line must contain for the pid to still be ours. */
  marker: string;
  command: string;
  startedAt: string;
}

export function readPidRecord(name: RunName): PidRecord | undefined {
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

export function writePidRecord(name: RunName, rec: PidRecord): void {
  ensureDir(PIDS_DIR);
  fs.writeFileSync(pidFile(name), JSON.stringify(rec, null, 2) + '\n');
}

export function removePidRecord(name: RunName): void {
  fs.rmSync(pidFile(name), { force: true });
}

/** The pid from the pid file if that process is alive and still ours; removes stale pid files. */
export function runningPid(name: RunName): number | undefined {
  const rec = readPidRecord(name);
  if (!rec) return undefined;
  if (isOurs(rec.pid, rec.marker)) return rec.pid;
  removePidRecord(name);
  return undefined;
}
