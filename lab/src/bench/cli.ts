/**
 * `npm run bench [-- --quick] [--backlog N] [--only stages,api,drain,e2e,scale] [--docs]`
 *
 * Measures, in one run on this machine: the stage limits (Postgres write, Kafka produce, S3 put),
 * the API under closed-loop load, relay drain of an outbox backlog (polling, Debezium, and two
 * peers: pg-transactional-outbox and Watermill's forwarder), end to end at a fixed rate, at the
 * maximum (closed-loop) rate and at the maximum sustainable rate, for both relay modes, and the
 * closed loop with one and with two of each service. Every part runs in its own database, topics, groups and S3 prefix
 * (createTestEnv) and is bounded in time.
 */
import { readFileSync } from 'node:fs';
import { runCommand } from '@fileflow/common';
import { ensureStack, getStackInfo, isPortOpen } from '@fileflow/infra';
import { runApiPhase } from './api-phase';
import { runDrainPhase } from './drain-phase';
import { runEndToEnd } from './e2e-phase';
import { runOutboxScale, type OutboxScaleResults } from './outbox-scale-phase';
import {
  measureSettingCost,
  formatSettings,
  observabilitySettings,
  startTraceSink,
  type SettingCost,
} from './setting-cost';
import { writeOutputs } from './output';
import type { BenchResults } from './results';
import { attempt, inEnv, log, withWorld } from './run-helpers';
import { runScalePhase } from './scale';
import { rawKafka, rawPostgres, rawS3 } from './stages';
import { machine, otherRelays } from './machine';
import { benchCommand, benchOptions, type BenchOptions } from './options';

/** Unmeasured seconds of each stage on a stack this run started (its JVMs have not compiled their hot paths). */
const coldStageWarmupSeconds = 30;

async function main(o: BenchOptions): Promise<number> {
  if (o.render) {
    // Re-render a saved run (e.g. after changing the report's layout); measures nothing.
    writeOutputs(JSON.parse(readFileSync(o.render, 'utf8')) as BenchResults, o);
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

  const { api, apiVariants, apiProfile } = o.phases.has('api')
    ? await runApiPhase(o, errors)
    : { api: undefined, apiVariants: undefined, apiProfile: undefined };

  const { drains, claimPlan } = o.phases.has('drain')
    ? await runDrainPhase(o, errors)
    : { drains: [], claimPlan: undefined };

  let processorProfile: string[] | undefined;
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

  let formats: SettingCost[] | undefined;
  const formatSeconds = Math.min(o.maxSeconds, 4);
  if (o.phases.has('formats')) {
    formats = [];
    for (const s of formatSettings) {
      // A few seconds of intake: a PDF takes the processor some 50 ms of CPU, so a long intake
      // would leave minutes of backlog to work off.
      log(`formats: ${s.setting}, closed loop for ${formatSeconds} s (polling)`);
      const r = await attempt(`formats ${s.setting}`, errors, () =>
        withWorld('polling', (w) =>
          measureSettingCost(w, s, {
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

  let observability: SettingCost[] | undefined;
  if (o.phases.has('observability')) {
    const sink = await startTraceSink();
    try {
      observability = [];
      for (const s of observabilitySettings) {
        log(`observability: ${s.setting}, closed loop for ${o.maxSeconds} s (polling)`);
        const r = await attempt(`observability ${s.setting}`, errors, () =>
          withWorld('polling', (w) =>
            measureSettingCost(w, s, {
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

  const scale = o.phases.has('scale') ? await runScalePhase(o, errors) : undefined;
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
    ...(scale ? { scale } : {}),
    errors,
  };
  // A run of outbox-scale alone has written its own files: leave the last full run's report be.
  if ([...o.phases].some((p) => p !== 'outbox-scale')) writeOutputs(results, o);
  log(
    `done in ${Math.round((Date.now() - started) / 1000)} s${errors.length ? `, ${errors.length} part(s) failed` : ''}`,
  );
  return errors.length ? 1 : 0;
}

runCommand(benchCommand, ({ values }) => main(benchOptions(values)));
