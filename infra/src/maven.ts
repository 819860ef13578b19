/**
 * Installs jars from Maven Central with the system `mvn`: `dependency:copy-dependencies` of a
 * tiny pom kept in infra/ into the cache dir. The local Maven repository also lives in the cache
 * dir, so a cold run needs only `mvn` + `java` on the machine, and a warm run does not call mvn.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { type Reporter, fmtBytes, fmtSecs } from './log';
import { MAVEN_REPO, ensureDir, logFile } from './paths';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const COMPLETE_MARKER = '.fileflow-complete';

export function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', 'java') : 'java';
}

export interface MavenFetch {
  /** Progress scope, e.g. "kafka". */
  label: string;
  pom: string;
  outDir: string;
  properties?: Record<string, string>;
  report: Reporter;
}

function listJars(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jar'))
    .map((f) => path.join(dir, f));
}

function fingerprint(f: MavenFetch): string {
  const h = createHash('sha256');
  h.update(fs.readFileSync(f.pom));
  h.update(JSON.stringify(f.properties ?? {}));
  h.update(DEPENDENCY_PLUGIN);
  return h.digest('hex');
}

const UNIT: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };

let queue: Promise<unknown> = Promise.resolve();
const inflight = new Map<string, Promise<string[]>>();

/** Jars for the pom, downloading them once. Maven runs one at a time (shared local repo). */
export function ensureMavenDeps(f: MavenFetch): Promise<string[]> {
  const marker = path.join(f.outDir, COMPLETE_MARKER);
  const fp = fingerprint(f);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === fp) {
    return Promise.resolve(listJars(f.outDir));
  }
  const pending = inflight.get(f.outDir);
  if (pending) return pending;
  const run = queue.then(() => runMaven(f, fp));
  queue = run.catch(() => undefined);
  inflight.set(f.outDir, run);
  const forget = (): void => void inflight.delete(f.outDir);
  run.then(forget, forget);
  return run;
}

async function runMaven(f: MavenFetch, fp: string): Promise<string[]> {
  const started = Date.now();
  const tmpDir = `${f.outDir}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  ensureDir(path.dirname(f.outDir));
  ensureDir(MAVEN_REPO);
  const mvnLog = logFile(`maven-${f.label}`);
  ensureDir(path.dirname(mvnLog));
  const args = [
    '-B',
    '-f',
    f.pom,
    `-Dmaven.repo.local=${MAVEN_REPO}`,
    ...Object.entries(f.properties ?? {}).map(([k, v]) => `-D${k}=${v}`),
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    `-DoutputDirectory=${tmpDir}`,
    '-DincludeScope=runtime',
  ];
  f.report(
    f.label,
    `downloading jars from Maven Central: mvn ${DEPENDENCY_PLUGIN.split(':')[1]}:copy-dependencies (log: ${mvnLog})`,
  );
  const out = fs.createWriteStream(mvnLog, { flags: 'w' });
  out.write(`$ mvn ${args.join(' ')}\n`);

  let files = 0;
  let bytes = 0;
  let lastReport = Date.now();
  const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const onLine = (line: string): void => {
    out.write(line + '\n');
    const m = /^\[INFO\] Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|KB|MB|GB)/.exec(line);
    if (m?.[1] && m[2]) {
      files++;
      bytes += Number(m[1]) * (UNIT[m[2]] ?? 1);
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        f.report(f.label, `… ${files} files, ${fmtBytes(bytes)} downloaded`);
      }
    }
  };
  readline.createInterface({ input: child.stdout }).on('line', onLine);
  readline.createInterface({ input: child.stderr }).on('line', onLine);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', (err) => {
      const enoent = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          enoent
            ? `[${f.label}] Maven ("mvn") is not on PATH. Install it (Debian: apt-get install maven) — it downloads the jars from Maven Central.`
            : `[${f.label}] cannot run mvn: ${err.message}`,
        ),
      );
    });
    child.once('close', (c) => resolve(c ?? 1));
  });
  await new Promise<void>((r) => out.end(r));
  if (code !== 0) {
    const tail = fs
      .readFileSync(mvnLog, 'utf8')
      .split('\n')
      .filter((l) => /ERROR/.test(l))
      .slice(0, 15)
      .join('\n');
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw new Error(`[${f.label}] mvn failed (exit ${code}); see ${mvnLog}\n${tail}`);
  }
  fs.writeFileSync(path.join(tmpDir, COMPLETE_MARKER), fp + '\n');
  fs.rmSync(f.outDir, { recursive: true, force: true });
  fs.renameSync(tmpDir, f.outDir);
  const jars = listJars(f.outDir);
  const total = jars.reduce((s, j) => s + fs.statSync(j).size, 0);
  f.report(
    f.label,
    `jars ready: ${jars.length} jars, ${fmtBytes(total)} in ${f.outDir} (${files} files / ${fmtBytes(bytes)} downloaded, ${fmtSecs(Date.now() - started)})`,
  );
  return jars;
}
