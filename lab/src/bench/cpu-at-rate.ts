/**
 * `npx tsx lab/src/bench/cpu-at-rate.ts [RATE=200] [SECONDS=20] [--checkpoint]`
 *
 * Against the running services, started without the rate limit (`RATE_LIMIT_REQUESTS=0 npm start`:
 * the default of 600 requests a minute per client refuses this load): POST /files open loop at RATE/s for SECONDS (after
 * 3 s of the same load, not measured), with `lab/scripts/cpu-sampler.py` beside it. Prints the ms
 * of CPU per accepted file, in all and per process kind, the machine's context switches per
 * accepted file (a thread waking up is one: the cost that falls per file as the rate rises and
 * batches grow), and where the files were when the POSTs
 * ended (a pipeline that keeps up has them all completed or nearly). For comparing two versions of
 * a service at the same rate: restart it, run this again. Not a benchmark of record (the files
 * table of the dev database grows with every run): `npm run bench` is. Then, once the run's files
 * (warm-up included) are done, the write-ahead log PostgreSQL wrote per file meanwhile (records,
 * full-page images and bytes, from `pg_stat_wal`). The first change to a page after a checkpoint
 * writes the whole page, so the bytes depend on when the last one was: `--checkpoint` runs one
 * before the warm-up, so that every run starts from the same place (what a run right after a
 * checkpoint writes: the most).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDb } from '@fileflow/db';
import { getStackInfo } from '@fileflow/infra';
import { postAtRate } from './load-generators';
import { machineContextSwitches, waitUntil } from './measure';
import { walCounters } from './pg-background';
import { repoRoot } from '../repo-root';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [rate = 200, seconds = 20] = args.filter((a) => !a.startsWith('--')).map(Number);
  const checkpoint = args.includes('--checkpoint');
  const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
  const db = createDb(getStackInfo().databaseUrl, 1);
  try {
    const { rows } = await sql<{ m: number }>`SELECT coalesce(max(id), 0)::int AS m FROM files`.execute(db);
    const after = rows[0]?.m ?? 0;
    if (checkpoint) await sql`CHECKPOINT`.execute(db);
    const wal0 = await walCounters(db);
    await postAtRate(api, rate, rate * 3);
    const sampler = spawn('python3', [join(repoRoot, 'lab/scripts/cpu-sampler.py')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let report = '';
    sampler.stdout.on('data', (d: Buffer) => (report += d.toString()));
    const switches0 = machineContextSwitches();
    const load = await postAtRate(api, rate, rate * seconds);
    const switches = machineContextSwitches() - switches0;
    const exited = new Promise((r) => sampler.once('exit', r));
    sampler.kill('SIGTERM');
    await exited;
    const files = load.acked.size;
    if (files === 0)
      throw new Error(
        `no POST accepted at ${api}: ${JSON.stringify(load.failures)} (are the services up, without the rate limit? RATE_LIMIT_REQUESTS=0 npm start)`,
      );
    const kinds = report
      .trim()
      .split('\n')
      .map((line) => /^\s*([\d.]+)s\s+(\S+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ kind: m[2] ?? '?', s: Number(m[1]) }));
    const total = kinds.reduce((a, k) => a + k.s, 0);
    const per = (s: number) => ((s * 1000) / files).toFixed(2);
    console.log(
      `${rate}/s for ${seconds} s: ${files} accepted, ${load.failed} not${load.failed ? ` ${JSON.stringify(load.failures)}` : ''}, in ${load.seconds.toFixed(1)} s; ` +
        `CPU ${per(total)} ms a file (${((100 * total) / load.seconds).toFixed(0)} % of one core): ` +
        kinds.map((k) => `${k.kind} ${per(k.s)}`).join(', ') +
        `; ${(switches / files).toFixed(1)} context switches a file (the whole machine)`,
    );
    const states = await sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM files WHERE id > ${after} GROUP BY status ORDER BY status`.execute(db);
    console.log(`files when the POSTs ended: ${states.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    // Until every file of the run is completed, failed or expired (at most 60 s).
    let done = { total: 0, left: 0 };
    await waitUntil(
      async () => {
        const r = await sql<{ total: number; left: number }>`
        SELECT count(*)::int AS total, (count(*) FILTER (WHERE status IN ('pending', 'processing')))::int AS left
        FROM files WHERE id > ${after}`.execute(db);
        done = r.rows[0] ?? done;
        return done.left === 0;
      },
      60_000,
      250,
    );
    const wal = await walCounters(db);
    console.log(
      `PostgreSQL WAL per file, until the run's ${done.total} files were done${done.left ? ` (${done.left} not within 60 s)` : ''}: ` +
        `${((wal.records - wal0.records) / done.total).toFixed(1)} records, ${((wal.fpi - wal0.fpi) / done.total).toFixed(2)} full-page images, ` +
        `${Math.round((wal.bytes - wal0.bytes) / done.total)} bytes${checkpoint ? ' (from a checkpoint)' : ''}`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
