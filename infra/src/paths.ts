import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunName } from './config';

/** Repo root = two levels above infra/src (independent of the caller's cwd and of symlinks). */
export const REPO_ROOT = path.resolve(fs.realpathSync(__dirname), '..', '..');
export const INFRA_DIR = path.join(REPO_ROOT, 'infra');

/** Runtime state (data, logs, pids, generated config): repo-root `.stack/`, git-ignored. */
export const STACK_DIR = path.join(REPO_ROOT, '.stack');
export const LOGS_DIR = path.join(STACK_DIR, 'logs');
export const PIDS_DIR = path.join(STACK_DIR, 'pids');
export const DATA_DIR = path.join(STACK_DIR, 'data');
export const CONF_DIR = path.join(STACK_DIR, 'conf');

/** Downloads (Maven repo, jars), reused across runs and checkouts. */
export const CACHE_DIR =
  process.env.FILEFLOW_CACHE_DIR ??
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'fileflow');
export const MAVEN_REPO = path.join(CACHE_DIR, 'm2');

export const logFile = (name: string): string => path.join(LOGS_DIR, `${name}.log`);
export const pidFile = (name: RunName): string => path.join(PIDS_DIR, `${name}.pid`);
export const dataDir = (name: RunName): string => path.join(DATA_DIR, name);

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function ensureStackDirs(): void {
  for (const d of [LOGS_DIR, PIDS_DIR, DATA_DIR, CONF_DIR]) ensureDir(d);
}
