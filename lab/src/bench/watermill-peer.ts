import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runBounded, which } from '@fileflow/infra';
import { stackSettings, type TestEnv } from '@fileflow/testkit';
import { topicCount, type DrainResult } from './drain';
import { repoRoot } from '../repo-root';

/**
 * The second relay peer of the drain phase: Watermill's forwarder (Go, `lab/peers/watermill-forwarder`),
 * built with `go build` on first use into `.stack/bench/`. Its versions are pinned by that folder's
 * go.mod and go.sum; none of Watermill's code is in this repository.
 */

const sourceDir = join(repoRoot, 'lab/peers/watermill-forwarder');
const sourceFiles = ['go.mod', 'go.sum', 'main.go'];
export const watermillVersions = 'Watermill 1.4.7, watermill-sql 3.1.0, watermill-kafka 3.0.6, Sarama 1.61.1';

/** Why the peer could not run here (no Go, no module proxy, a failed build): reported, not a failure. */
export class PeerNotRun extends Error {}

/** The binary's path: named by a hash of its sources, so a change of them builds it again. */
function binaryPath(): string {
  const hash = createHash('sha256');
  for (const f of sourceFiles) hash.update(readFileSync(join(sourceDir, f)));
  return join(repoRoot, '.stack/bench', `watermill-forwarder-${hash.digest('hex').slice(0, 12)}`);
}

/**
 * `go build` of the forwarder unless built already, its output shown line by line through `log`,
 * killed after `timeoutMs`. The first build downloads the modules from the module proxy.
 */
export async function buildWatermillForwarder(log: (msg: string) => void, timeoutMs = 300_000): Promise<string> {
  const out = binaryPath();
  if (existsSync(out)) return out;
  const go = which('go');
  if (!go) throw new PeerNotRun('no Go toolchain on PATH (`go version` finds none)');
  mkdirSync(join(repoRoot, '.stack/bench'), { recursive: true });
  log(
    `watermill: go build (${sourceDir}) -> ${out}; the first build downloads its modules, at most ${timeoutMs / 1000} s`,
  );
  const tail: string[] = [];
  let compiled = 0;
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(go, ['build', '-v', '-o', out, '.'], {
      cwd: sourceDir,
      // The go.mod's own toolchain, never a download of another; go.sum as committed.
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly -buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        // `go: downloading …` and errors in full; the packages `-v` names as it compiles them, counted.
        if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) {
          compiled += 1;
          if (compiled % 50 === 0) log(`  go build: ${compiled} packages compiled`);
        } else log(`  ${line}`);
        tail.push(line);
        if (tail.length > 5) tail.shift();
      });
    }
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    child.once('close', (c, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : (c ?? 1));
    });
  });
  if (code !== 0) {
    throw new PeerNotRun(`go build failed (${typeof code === 'number' ? `exit ${code}` : code}): ${tail.join(' | ')}`);
  }
  return out;
}

/** The JSON line `forward` prints last. */
export function parseForwardResult(output: string): { forwarded: number; seconds: number; finished: boolean } {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"'));
  if (!line) throw new Error(`the forwarder printed no result: ${output.slice(-500)}`);
  return JSON.parse(line) as { forwarded: number; seconds: number; finished: boolean };
}

/**
 * Watermill's forwarder draining `rows` enveloped messages, written first through Watermill's
 * own publishers into its table (`watermill_outbox`) with the drain's payload, to the
 * env's file.create topic on the stack's broker. Its clock starts when the forwarder starts
 * (its Kafka producer already connected), as the polling relay's does.
 */
export async function drainWatermill(
  env: TestEnv,
  o: { rows: number; batchSize: number; timeoutMs: number; log: (msg: string) => void },
): Promise<DrainResult> {
  const relay = `Watermill forwarder (${watermillVersions}; SQL batch ${o.batchSize}) -> Sarama`;
  let binary: string;
  try {
    binary = await buildWatermillForwarder(o.log);
  } catch (err) {
    if (!(err instanceof PeerNotRun)) throw err;
    o.log(`watermill: peer not run: ${err.message}`);
    return { relay, rows: o.rows, published: 0, seconds: 0, rate: 0, finished: false, note: '', notRun: err.message };
  }
  const filled = await runBounded(
    binary,
    ['fill', '-pg', env.databaseUrl, '-dest', env.topics.fileCreate, '-rows', String(o.rows)],
    { timeoutMs: 180_000 },
  );
  if (filled.code !== 0) throw new Error(`watermill fill failed (exit ${filled.code}): ${filled.output.slice(-500)}`);
  const run = await runBounded(
    binary,
    [
      'forward',
      ...['-pg', env.databaseUrl, '-brokers', stackSettings.kafkaBrokers.join(',')],
      ...['-rows', String(o.rows), '-batch', String(o.batchSize), '-timeout', `${Math.round(o.timeoutMs / 1000)}s`],
    ],
    { timeoutMs: o.timeoutMs + 30_000 },
  );
  if (run.code !== 0) throw new Error(`watermill forward failed (exit ${run.code}): ${run.output.slice(-500)}`);
  const r = parseForwardResult(run.output);
  const published = await topicCount(env.kafka, env.topics.fileCreate);
  return {
    relay,
    rows: o.rows,
    published,
    seconds: r.seconds,
    rate: r.forwarded / r.seconds,
    finished: r.finished,
    note:
      `${r.forwarded} forwarded, ${published} records on the topic; rows written by Watermill's publishers ` +
      '(forwarder envelope in its PostgreSQL schema); one message in flight at a time (the forwarder waits for ' +
      "each send's ack); acks=all, idempotent, keyed by file id",
  };
}
