import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, runBounded, type BoundedRun } from '@fileflow/infra';
import { repoRoot } from '../repo-root';

/** The pinned Schemathesis, and the lock file of everything it installs (`lab/contract/requirements.txt`). */
export const schemathesisVersion = '4.32.5';
const requirements = join(repoRoot, 'lab/contract/requirements.txt');
const run = promisify(execFile);

/**
 * The `st` command of Schemathesis, installed on first use into a virtual environment of its own
 * (`~/.cache/fileflow/schemathesis-<version>`) from the pinned lock file, with the machine's
 * python3 (3.9 or later): nothing is installed into the system's Python.
 */
export async function ensureSchemathesis(log: (line: string) => void = () => undefined): Promise<string> {
  const dir = join(cacheDir(), `schemathesis-${schemathesisVersion}`);
  const st = join(dir, 'bin', 'st');
  if (existsSync(st)) return st;
  log(`installing Schemathesis ${schemathesisVersion} into ${dir}`);
  await run('python3', ['-m', 'venv', dir], { timeout: 120_000 });
  await run(
    join(dir, 'bin', 'pip'),
    ['install', '--no-input', '--disable-pip-version-check', '--require-hashes', '-r', requirements],
    { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(st)) throw new Error(`Schemathesis installed but ${st} is missing`);
  return st;
}

/**
 * Run `st` with `args`, bounded by `timeoutMs` (killed after it), collecting what it prints. It runs
 * in `.stack/schemathesis`, where it keeps its cache of failures.
 */
export async function runSchemathesis(st: string, args: readonly string[], timeoutMs: number): Promise<BoundedRun> {
  const cwd = join(repoRoot, '.stack/schemathesis');
  mkdirSync(cwd, { recursive: true });
  const r = await runBounded(st, args, {
    timeoutMs,
    cwd,
    env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false', PYTHONUNBUFFERED: '1' },
  });
  return r.killed ? { ...r, output: `${r.output}\n(killed after ${timeoutMs} ms)` } : r;
}
