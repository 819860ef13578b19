/**
 * Debian packages the stack needs (redis-server today), installed by the launcher itself so that a
 * new machine needs nothing installed by hand: `apt-get install` for whatever command is missing,
 * with `apt-get update` first when the package lists are missing or stale.
 *
 * A Debian package usually starts its service on install. The launcher runs its own server on
 * its own data and port, so while it installs it forbids service starts (a policy-rc.d that
 * answers 101, as Debian's container images do) and removes that again afterwards.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Reporter } from './log';
import { LOGS_DIR, ensureDir } from './paths';
import { runBounded } from './process/run-bounded';

/** A command the stack runs, and the Debian package that provides it. */
export interface DebianTool {
  readonly command: string;
  readonly pkg: string;
}

const POLICY = '/usr/sbin/policy-rc.d';
const LISTS = '/var/lib/apt/lists';
const STALE_MS = 7 * 24 * 3600_000;

/** Where `command` is on PATH (or an absolute path that exists), else undefined. */
export function which(command: string): string | undefined {
  if (path.isAbsolute(command)) return fs.existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function run(cmd: string, args: string[], log: string, timeoutMs: number): Promise<void> {
  const fd = fs.openSync(log, 'a');
  try {
    const r = await runBounded(cmd, args, {
      timeoutMs,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      outputFd: fd,
    });
    if (r.code !== 0) {
      throw new Error(
        `${cmd} ${args.join(' ')} ${r.killed ? `took over ${timeoutMs} ms` : `ended with ${r.code}`} (log: ${log})`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function listsAreFresh(): boolean {
  try {
    const entries = fs.readdirSync(LISTS).filter((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'));
    return entries.some((f) => Date.now() - fs.statSync(path.join(LISTS, f)).mtimeMs < STALE_MS);
  } catch {
    return false;
  }
}

/**
 * Install the packages of the tools that are not on PATH yet. Throws with what to do when this
 * cannot be done here (not root, no apt-get).
 */
export async function ensureDebianTools(tools: readonly DebianTool[], report: Reporter, scope: string): Promise<void> {
  const missing = tools.filter((t) => which(t.command) === undefined);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  const manual = `install them by hand (apt-get install ${pkgs.join(' ')}), then start again`;
  if (which('apt-get') === undefined)
    throw new Error(`[${scope}] ${pkgs.join(', ')} needed and no apt-get here: ${manual}`);
  if (process.getuid?.() !== 0)
    throw new Error(`[${scope}] ${pkgs.join(', ')} needed; installing them takes root: ${manual}`);
  ensureDir(LOGS_DIR);
  const log = path.join(LOGS_DIR, 'apt.log');
  const t0 = Date.now();
  if (!listsAreFresh()) {
    report(scope, `apt-get update (log: ${log})`);
    await run('apt-get', ['update'], log, 600_000);
  }
  report(scope, `apt-get install ${pkgs.join(' ')} (log: ${log})`);
  const ownPolicy = !fs.existsSync(POLICY);
  if (ownPolicy)
    fs.writeFileSync(POLICY, '#!/bin/sh\n# written by the fileflow launcher during apt-get install\nexit 101\n', {
      mode: 0o755,
    });
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], log, 900_000);
  } finally {
    if (ownPolicy) fs.rmSync(POLICY, { force: true });
  }
  const still = missing.filter((t) => which(t.command) === undefined);
  if (still.length > 0)
    throw new Error(
      `[${scope}] installed ${pkgs.join(' ')} but ${still.map((t) => t.command).join(', ')} is still missing`,
    );
  report(scope, `installed ${pkgs.join(' ')} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
