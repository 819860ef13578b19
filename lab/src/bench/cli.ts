/**
 * `npm run bench [-- --quick] [--backlog N] [--only stages,api,drain,e2e] [--docs]`
 *
 * Measures, in one run on this machine: the stage limits (Postgres write, Kafka produce, S3 put),
 * the API under closed-loop load, relay drain of an outbox backlog (polling, Debezium, the npm peer),
 * and end to end at a fixed rate, at the maximum (closed-loop) rate and at the maximum sustainable
 * rate, for both relay modes. Every part runs in its own database, topics, groups and S3 prefix
 * (createTestEnv) and is bounded in time.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newApiKey, runCommand } from '@fileflow/common';
import { insertApiKey } from '@fileflow/db';
import { ensureStack, getStackInfo, isPortOpen } from '@fileflow/infra';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { createWorld, worldApiKeyPepper, type World } from '../chaos/world';
import { barChartSvg, svgToPng, type Bar } from './chart';
import { drainDebezium, drainPeer, drainPolling, explainClaim, insertOutboxBacklog, type DrainResult } from './drain';
import { runEndToEnd } from './e2e-phase';
import { runOutboxScale, type OutboxScaleResults } from './outbox-scale-phase';
import {
  measureObservabilityCost,
  formatSettings,
  observabilitySettings,
  startTraceSink,
  type ObservabilityCost,
} from './observability-cost';
import { postFilesWithAutocannon, runCannon, type CannonResult } from './load-generators';
import { cpuProfileNodeOptions, topSelfTime } from './profile';
import { renderReport, type BenchResults } from './report';
import { rawKafka, rawPostgres, rawS3 } from './stages';
import { machine, otherRelays } from './machine';
import { benchCommand, benchOptions, type BenchOptions } from './options';
import { repoRoot } from '../repo-root';

/** Unmeasured seconds of each stage on a stack this run started (its JVMs have not compiled their hot paths). */
const coldStageWarmupSeconds = 30;

function log(msg: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function inEnv<T>(name: string, fn: (env: TestEnv) => Promise<T>): Promise<T> {
  const env = await createTestEnv(name);
  try {
    return await fn(env);
  } finally {
    await env.cleanup();
  }
}

async function attempt<T>(label: string, errors: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const msg = `${label}: ${err instanceof Error ? err.message : String(err)}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
    return undefined;
  }
}

async function withWorld<T>(mode: 'polling' | 'debezium', fn: (w: World) => Promise<T>): Promise<T> {
  const world = await createWorld('bench', mode);
  try {
    return await fn(world);
  } finally {
    await world.dispose();
  }
}

/** Print the table, write `.stack/bench/` (json, md, svg, png) and, with --docs, docs/benchmarks.{md,png}. */
function output(results: BenchResults, o: BenchOptions): void {
  const { stages, api, drains, e2e } = results;
  const outDir = join(repoRoot, '.stack/bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  const { table, markdown } = renderReport(results);
  console.log(`\n${table}\n`);
  writeFileSync(join(outDir, 'results.md'), markdown);

  const bars: Bar[] = [];
  const add = (label: string, value: number | undefined, group: Bar['group']) => {
    if (value !== undefined && Number.isFinite(value)) bars.push({ label, value, group });
  };
  add('raw Postgres write (file+outbox tx)', stages.postgres?.rate, 'stage');
  add('raw Postgres write, grouped as the API', stages.postgresGrouped?.rate, 'stage');
  add('raw Kafka produce (records)', stages.kafka?.rate, 'stage');
  add('raw S3 PutObject', stages.s3?.rate, 'stage');
  add('API POST /files (autocannon)', api?.rate, 'api');
  for (const d of drains) {
    const batch = /batch (\d+)/.exec(d.relay)?.[1];
    const name = d.relay.split(' (')[0] ?? d.relay;
    add(`drain: ${name}${batch ? `, batch ${batch}` : ''}${d.finished ? '' : ' (partial)'}`, d.rate, 'drain');
  }
  for (const r of e2e) add(`end to end, ${r.mode}: sustainable files`, r.sustained?.rate ?? undefined, 'e2e');
  const svg = barChartSvg(
    `fileflow benchmark (${results.machine.cores} cores), ${results.startedAt.slice(0, 16)}Z`,
    bars,
  );
  writeFileSync(join(outDir, 'benchmarks.svg'), svg);
  const png = join(outDir, 'benchmarks.png');
  const rendered = svgToPng(svg, png);
  log(rendered ? `chart: ${png}` : 'chart: Chromium not found, wrote only the SVG');

  if (o.docs) {
    const docPath = join(repoRoot, 'docs/benchmarks.md');
    let doc: string;
    try {
      doc = readFileSync(docPath, 'utf8');
    } catch {
      doc = '# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n';
    }
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    doc =
      i >= 0 && j > i
        ? `${doc.slice(0, i + begin.length)}\n${markdown}\n${doc.slice(j)}`
        : `${doc}\n${begin}\n${markdown}\n${end}\n`;
    writeFileSync(docPath, doc);
    writeFileSync(join(repoRoot, 'docs/benchmarks.svg'), svg);
    log('wrote docs/benchmarks.md (between the bench markers) and docs/benchmarks.svg');
  }
}

/**
 * The API with its other features, each in an API process of its own, `o.connections` clients
 * for `o.apiSeconds`: POST /files with an API key and a rate limit that counts every request in
 * Redis (set high enough never to refuse one), and GET /files/:id over 200 files without and
 * with the Redis cache.
 */
async function apiFeatureVariants(o: BenchOptions, errors: string[]): Promise<BenchResults['apiVariants']> {
  const limited = { RATE_LIMIT_REQUESTS: '1000000000', RATE_LIMIT_WINDOW_MS: '60000' };
  log(`api: POST /files with an API key and the rate limit in Redis, ${o.apiSeconds} s`);
  const keyedPost = await attempt('api keyed', errors, () =>
    withWorld('polling', async (w) => {
      const key = newApiKey(worldApiKeyPepper);
      await insertApiKey(w.env.db, { id: key.id, name: 'bench', secretHash: key.secretHash });
      await w.api.start(limited);
      return postFilesWithAutocannon(await w.baseUrl(), o.connections, o.apiSeconds, {
        authorization: `Bearer ${key.token}`,
      });
    }),
  );
  const get = (cache: boolean) =>
    withWorld('polling', async (w) => {
      await w.api.start({ FILE_CACHE: String(cache) });
      const url = await w.baseUrl();
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${url}/files`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `bench get ${i}` }),
          signal: AbortSignal.timeout(10_000),
        });
        ids.push(((await res.json()) as { id: number }).id);
      }
      return runCannon(
        url,
        { method: 'GET', path: (n) => `/files/${ids[n % ids.length] ?? 1}`, okStatus: 200 },
        o.connections,
        o.apiSeconds,
      );
    });
  log(`api: GET /files/:id without the cache, ${o.apiSeconds} s`);
  const getUncached = await attempt('api get uncached', errors, () => get(false));
  log(`api: GET /files/:id with the Redis cache, ${o.apiSeconds} s`);
  const getCached = await attempt('api get cached', errors, () => get(true));
  return { keyedPost, getUncached, getCached };
}

async function main(o: BenchOptions): Promise<number> {
  if (o.render) {
    // Re-render a saved run (e.g. after changing the report's layout); measures nothing.
    output(JSON.parse(readFileSync(o.render, 'utf8')) as BenchResults, o);
    return 0;
  }
  const started = Date.now();
  const errors: string[] = [];
  log(`options ${JSON.stringify(o)}`);
  // A stack this run starts has cold JVMs: a fresh S3Proxy spends its first seconds compiling, which
  // would understate the S3 stage and flatter every ratio to it. So the stages get a longer
  // unmeasured warm-up then.
  const s3 = new URL(getStackInfo().s3Endpoint);
  const coldStack = !o.noStack && !(await isPortOpen(Number(s3.port), s3.hostname));
  if (!o.noStack) await ensureStack({ quiet: true, connect: o.phases.has('drain') || o.modes.includes('debezium') });
  const stageWarmupSeconds = coldStack ? Math.max(o.stageWarmupSeconds, coldStageWarmupSeconds) : o.stageWarmupSeconds;
  if (coldStack) log(`the stack was started by this run: ${stageWarmupSeconds} s of warm-up per stage`);
  const foreign = await otherRelays();
  if (foreign.length)
    log(`WARNING: other relays are attached to this stack and will cost CPU in every number: ${foreign.join('; ')}`);

  const stages: BenchResults['stages'] = {};
  if (o.phases.has('stages')) {
    const ms = o.stageSeconds * 1000;
    const warmupMs = stageWarmupSeconds * 1000;
    log('stage: raw Postgres write (file + outbox, one tx; pool 10, 32 clients)');
    stages.postgres = await attempt('raw postgres', errors, () =>
      inEnv('benchpg', (env) =>
        rawPostgres(env, { durationMs: ms, warmupMs, concurrency: o.connections, poolSize: 10, grouped: false }),
      ),
    );
    log('stage: raw Postgres write grouped as the API writes (files + outbox of concurrent callers in one tx)');
    stages.postgresGrouped = await attempt('raw postgres grouped', errors, () =>
      inEnv('benchpgg', (env) =>
        rawPostgres(env, { durationMs: ms, warmupMs, concurrency: o.connections, poolSize: 10, grouped: true }),
      ),
    );
    log('stage: raw Kafka produce (sendBatch acks=all, batch as the relay)');
    stages.kafka = await attempt('raw kafka', errors, () =>
      inEnv('benchkafka', (env) => rawKafka(env, { durationMs: ms, warmupMs, batchSize: o.relayBatch })),
    );
    log(`stage: raw S3 PutObject (${o.s3Concurrency} concurrent, as the processor)`);
    stages.s3 = await attempt('raw s3', errors, () =>
      inEnv('benchs3', (env) => rawS3(env, { durationMs: ms, warmupMs, concurrency: o.s3Concurrency })),
    );
  }

  let api: CannonResult | undefined;
  let apiVariants: BenchResults['apiVariants'];
  let apiProfile: string[] | undefined;
  let processorProfile: string[] | undefined;
  if (o.phases.has('api')) {
    log(`api: autocannon ${o.connections} connections, ${o.apiSeconds} s, POST /files (API process alone)`);
    api = await attempt('api', errors, () =>
      withWorld('polling', async (w) => {
        const profDir = join(repoRoot, '.stack/bench/prof', w.env.id);
        await w.api.start(o.profile ? { NODE_OPTIONS: cpuProfileNodeOptions(profDir) } : {});
        const r = await postFilesWithAutocannon(await w.baseUrl(), o.connections, o.apiSeconds);
        if (o.profile) {
          await w.api.stop(); // the profile is written at exit
          apiProfile = topSelfTime(profDir);
          log(`api profile (self time):\n${apiProfile.join('\n')}`);
        }
        return r;
      }),
    );
    apiVariants = await apiFeatureVariants(o, errors);
  }

  const drains: DrainResult[] = [];
  let claimPlan: string | undefined;
  if (o.phases.has('drain')) {
    log(`drain: polling relay, backlog ${o.backlog}`);
    const polling = await attempt('drain polling', errors, () =>
      inEnv('benchdrainpoll', async (env) => {
        await insertOutboxBacklog(env, o.backlog);
        claimPlan = await explainClaim(env, o.relayBatch);
        return drainPolling(env, { rows: o.backlog, batchSize: o.relayBatch, timeoutMs: o.drainTimeoutS * 1000 });
      }),
    );
    if (polling) drains.push(polling);
    for (const batchSize of o.extraRelayBatches) {
      log(`drain: polling relay, backlog ${o.backlog}, batch ${batchSize}`);
      const more = await attempt(`drain polling batch ${batchSize}`, errors, () =>
        inEnv('benchdrainpoll', async (env) => {
          await insertOutboxBacklog(env, o.backlog);
          return drainPolling(env, { rows: o.backlog, batchSize, timeoutMs: o.drainTimeoutS * 1000 });
        }),
      );
      if (more) drains.push(more);
    }
    log(`drain: Debezium snapshot, backlog ${o.backlog}`);
    const dbz = await attempt('drain debezium', errors, () =>
      inEnv('benchdraindbz', async (env) => {
        await insertOutboxBacklog(env, o.backlog);
        return drainDebezium(env, { rows: o.backlog, timeoutMs: o.drainTimeoutS * 1000 });
      }),
    );
    if (dbz) drains.push(dbz);
    log(`drain: pg-transactional-outbox, backlog ${o.backlog}, bounded to ${o.peerTimeoutS} s`);
    const peer = await attempt('drain peer', errors, () =>
      inEnv('benchdrainpeer', (env) =>
        drainPeer(env, { rows: o.backlog, batchSize: o.peerBatch, timeoutMs: o.peerTimeoutS * 1000 }),
      ),
    );
    if (peer) drains.push(peer);
  }

  const e2e: BenchResults['e2e'][number][] = [];
  if (o.phases.has('e2e')) {
    for (const mode of o.modes) {
      log(
        `e2e ${mode}: ${o.fixedRate}/s for ${o.fixedSeconds} s, then max rate for ${o.maxSeconds} s, then the maximum sustainable rate`,
      );
      const r = await attempt(`e2e ${mode}`, errors, () =>
        withWorld(mode, async (w) => {
          const { result, processorProfile: top } = await runEndToEnd(w, mode, o, log);
          if (top) processorProfile = top;
          return result;
        }),
      );
      e2e.push(r ?? { mode });
    }
  }

  let formats: ObservabilityCost[] | undefined;
  const formatSeconds = Math.min(o.maxSeconds, 4);
  if (o.phases.has('formats')) {
    formats = [];
    for (const s of formatSettings) {
      // A few seconds of intake: a PDF takes the processor some 50 ms of CPU, so a long intake
      // would leave minutes of backlog to work off.
      log(`formats: ${s.setting}, closed loop for ${formatSeconds} s (polling)`);
      const r = await attempt(`formats ${s.setting}`, errors, () =>
        withWorld('polling', (w) =>
          measureObservabilityCost(w, s, {
            traceUrl: '',
            connections: o.connections,
            seconds: formatSeconds,
            warmupSeconds: 1,
            drainTimeoutMs: o.drainTimeoutS * 1000,
          }),
        ),
      );
      if (r) formats.push(r);
    }
  }

  let observability: ObservabilityCost[] | undefined;
  if (o.phases.has('observability')) {
    const sink = await startTraceSink();
    try {
      observability = [];
      for (const s of observabilitySettings) {
        log(`observability: ${s.setting}, closed loop for ${o.maxSeconds} s (polling)`);
        const r = await attempt(`observability ${s.setting}`, errors, () =>
          withWorld('polling', (w) =>
            measureObservabilityCost(w, s, {
              traceUrl: sink.url,
              connections: o.connections,
              seconds: o.maxSeconds,
              drainTimeoutMs: o.drainTimeoutS * 1000,
            }),
          ),
        );
        if (r) observability.push(r);
      }
    } finally {
      await sink.close();
    }
  }

  let outboxScale: OutboxScaleResults | undefined;
  if (o.phases.has('outbox-scale')) {
    outboxScale = await runOutboxScale(
      {
        rows: o.outboxRows,
        batch: o.relayBatch,
        claimSeconds: o.outboxClaimSeconds,
        cleanupSeconds: o.outboxCleanupSeconds,
        holdSnapshot: o.outboxHoldSnapshot,
      },
      `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      log,
      (label, fn) => attempt(label, errors, fn),
    );
  }

  const results: BenchResults = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    options: o,
    machine: machine(),
    otherRelays: foreign,
    stages,
    api,
    apiVariants,
    ...(observability ? { observability } : {}),
    ...(formats ? { formats } : {}),
    ...(outboxScale ? { outboxScale } : {}),
    drains,
    claimPlan,
    apiProfile,
    processorProfile,
    e2e,
    errors,
  };
  // A run of outbox-scale alone has written its own files: leave the last full run's report be.
  if ([...o.phases].some((p) => p !== 'outbox-scale')) output(results, o);
  log(
    `done in ${Math.round((Date.now() - started) / 1000)} s${errors.length ? `, ${errors.length} part(s) failed` : ''}`,
  );
  return errors.length ? 1 : 0;
}

runCommand(benchCommand, ({ values }) => main(benchOptions(values)));
