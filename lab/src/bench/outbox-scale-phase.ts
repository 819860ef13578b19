/**
 * `npm run bench -- --only outbox-scale [--outbox-rows 1000000,3000000,5000000]`: the outbox
 * at a backlog of millions of rows. For each row count, in a database of its own (dropped after):
 * the polling relay's claim (first, while draining, over the dead rows a drain leaves), then, in
 * another database, Debezium mode's cleanup over as many eligible rows. Autovacuum runs at the
 * server's settings and the table's own (migration 0009); nothing here vacuums.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { repoRoot } from '../repo-root';
import { measureCleanupAtScale, measureClaimAtScale, type ClaimScale, type CleanupScale } from './outbox-scale';
import type { OutboxTableStats } from './outbox-backlog';

export interface OutboxScaleResults {
  readonly claims: ClaimScale[];
  readonly cleanups: CleanupScale[];
}

export interface OutboxScaleOptions {
  readonly rows: readonly number[];
  readonly batch: number;
  readonly claimSeconds: number;
  readonly cleanupSeconds: number;
  /** Hold a snapshot open while the claims and the cleanup run, as a pg_dump or a long report would. */
  readonly holdSnapshot: boolean;
}

async function inEnv<T>(name: string, fn: (env: TestEnv) => Promise<T>): Promise<T> {
  const env = await createTestEnv(name, { partitions: 1 });
  try {
    return await fn(env);
  } finally {
    await env.cleanup();
  }
}

const f = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
const stats = (s: OutboxTableStats) =>
  `${f(s.heapMb)} MB heap + ${f(s.indexesMb)} MB indexes (seq ${f(s.seqIndexMb)} MB), ` +
  `${f(s.liveTuples)} live / ${f(s.deadTuples)} dead, ${s.autovacuums} autovacuum(s) (${f(s.autovacuumMs / 1000, 1)} s)`;

/** The lines of a plan that say where a claim's time goes: the seq-order scan and the order probe. */
export function planHighlights(plan: string): string[] {
  const lines = plan.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (/Index Scan using outbox_(seq|aggregate_seq)_idx|Seq Scan on outbox|Anti Join|Execution Time/.test(line)) {
      out.push(line.trim());
      const buffers = lines.slice(i + 1, i + 5).find((l) => l.includes('Buffers:'));
      if (buffers && !line.includes('Execution Time')) out.push(`  ${buffers.trim()}`);
    }
  });
  return out;
}

export function renderOutboxScale(r: OutboxScaleResults, command: string): string {
  const out = [
    `Command: \`${command}\``,
    '',
    '| backlog rows | first claim (ms) | drain: claims (empty), rows/s | claim p50 / p95 / max (ms) | first -> last tenth p50 (ms) | claim after the drain (ms) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...r.claims.map(
      (c) =>
        `| ${f(c.rows)} | ${f(c.firstClaimMs, 1)} | ${f(c.drain.claims)} (${f(c.drain.heldBack)}), ${f(c.drain.rowsPerSecond)} | ` +
        `${f(c.drain.ms.p50, 1)} / ${f(c.drain.ms.p95, 1)} / ${f(c.drain.ms.max, 1)} | ` +
        `${f(c.drain.firstTenthP50, 1)} -> ${f(c.drain.lastTenthP50, 1)} | ${f(c.drainedClaimMs, 1)} |`,
    ),
    '',
    '| eligible rows | deleted | seconds | rows/s | rounds (empty) | 5,000-row statement p50 / p95 / max (ms) | first -> last tenth p50 (ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...r.cleanups.map(
      (c) =>
        `| ${f(c.rows)} | ${f(c.deleted)} | ${f(c.seconds, 1)} | ${f(c.rowsPerSecond)} | ${c.rounds} (${c.heldBack}) | ` +
        `${f(c.batchMs.p50, 1)} / ${f(c.batchMs.p95, 1)} / ${f(c.batchMs.max, 1)} | ` +
        `${f(c.firstTenthBatchP50, 1)} -> ${f(c.lastTenthBatchP50, 1)} |`,
    ),
    '',
  ];
  for (const c of r.claims) {
    out.push(`Claim at ${f(c.rows)} rows (inserted in ${f(c.insertSeconds, 1)} s):`);
    out.push(`- before: ${stats(c.before)}; reloptions ${JSON.stringify(c.before.reloptions)}`);
    out.push(`- the backlog gauges' query (count, oldest): ${c.backlogQueryMs.map((ms) => f(ms, 1)).join(', ')} ms`);
    out.push(`- after the drain: ${stats(c.after)}`);
    out.push('- first claim:', ...planHighlights(c.firstClaimPlan).map((l) => `    ${l}`));
    out.push('- claim after the drain:', ...planHighlights(c.drainedClaimPlan).map((l) => `    ${l}`));
  }
  for (const c of r.cleanups) {
    out.push(`Cleanup of ${f(c.rows)} rows: before ${stats(c.before)}; after ${stats(c.after)}`);
  }
  return out.join('\n');
}

/** Run the phase; writes `.stack/bench/outbox-scale.{json,md}` and returns the results. */
export async function runOutboxScale(
  o: OutboxScaleOptions,
  command: string,
  log: (msg: string) => void,
  attempt: <T>(label: string, fn: () => Promise<T>) => Promise<T | undefined>,
): Promise<OutboxScaleResults> {
  const results: OutboxScaleResults = { claims: [], cleanups: [] };
  for (const rows of o.rows) {
    log(`outbox-scale: ${f(rows)} rows, the claim (first, then ${o.claimSeconds} s of draining)`);
    const claim = await attempt(`outbox-scale claim ${rows}`, () =>
      inEnv('benchscaleclaim', (env) =>
        measureClaimAtScale(env, { rows, batch: o.batch, seconds: o.claimSeconds, holdSnapshot: o.holdSnapshot }),
      ),
    );
    if (claim) {
      results.claims.push(claim);
      log(
        `outbox-scale: first claim ${f(claim.firstClaimMs, 1)} ms; drained ${f(claim.drain.rows)} rows in ${f(claim.drain.seconds, 1)} s, claim p50 ${f(claim.drain.ms.p50, 1)} ms (first tenth ${f(claim.drain.firstTenthP50, 1)}, last ${f(claim.drain.lastTenthP50, 1)}); after: ${f(claim.drainedClaimMs, 1)} ms`,
      );
    }
    log(`outbox-scale: ${f(rows)} rows, Debezium cleanup (bounded to ${o.cleanupSeconds} s)`);
    const cleanup = await attempt(`outbox-scale cleanup ${rows}`, () =>
      inEnv('benchscaleclean', (env) =>
        measureCleanupAtScale(env, { rows, seconds: o.cleanupSeconds, holdSnapshot: o.holdSnapshot }),
      ),
    );
    if (cleanup) {
      results.cleanups.push(cleanup);
      log(
        `outbox-scale: cleanup deleted ${f(cleanup.deleted)} in ${f(cleanup.seconds, 1)} s (${f(cleanup.rowsPerSecond)} rows/s), statement p50 ${f(cleanup.batchMs.p50, 1)} ms, first tenth ${f(cleanup.firstTenthBatchP50, 1)} -> last ${f(cleanup.lastTenthBatchP50, 1)}`,
      );
    }
  }
  const outDir = join(repoRoot, '.stack/bench');
  mkdirSync(outDir, { recursive: true });
  const markdown = renderOutboxScale(results, command);
  const suffix = o.holdSnapshot ? '-held' : '';
  writeFileSync(join(outDir, `outbox-scale${suffix}.json`), JSON.stringify({ command, ...results }, null, 2));
  writeFileSync(join(outDir, `outbox-scale${suffix}.md`), markdown);
  console.log(`\n${markdown}\n`);
  return results;
}
