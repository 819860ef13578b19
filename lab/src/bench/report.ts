import type { DrainResult } from './drain';
import type { FixedRateResult, MaxRateResult } from './e2e';
import type { ObservabilityCost } from './observability-cost';
import type { OutboxScaleResults } from './outbox-scale-phase';
import type { CannonResult } from './load-generators';
import { fmt, type LoopResult } from './measure';
import { hopRows, lat, mdTable, stepList, textTable, verdict } from './report-format';
import { describeFailures, type SustainResult } from './sustainable';

export interface BenchResults {
  readonly command: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly options: Record<string, unknown>;
  readonly machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    free: string;
    node: string;
    versions: Record<string, string>;
  };
  readonly stages: {
    /** The specified stage: one file + outbox row per transaction. */
    postgres?: LoopResult;
    /** The same writes grouped as the API groups them (context, not a stage limit). */
    postgresGrouped?: LoopResult;
    kafka?: LoopResult;
    s3?: LoopResult;
  };
  readonly api: CannonResult | undefined;
  /**
   * The API with its other features on, each a separate process run after `api`: POST /files with
   * an API key and the rate limit counting in Redis; GET /files/:id without and with the Redis
   * cache. Absent in older saved results.
   */
  /** The same closed-loop load without metrics, with metrics, with metrics and traces (absent in older results). */
  readonly observability?: readonly ObservabilityCost[];
  /** The same closed loop making each file format. */
  readonly formats?: readonly ObservabilityCost[];
  readonly apiVariants?: {
    readonly keyedPost?: CannonResult | undefined;
    readonly getUncached?: CannonResult | undefined;
    readonly getCached?: CannonResult | undefined;
  };
  /** The claim and the Debezium cleanup at a backlog of millions of rows (`--only outbox-scale`). */
  readonly outboxScale?: OutboxScaleResults;
  readonly drains: DrainResult[];
  readonly claimPlan: string | undefined;
  readonly apiProfile: string[] | undefined;
  readonly processorProfile: string[] | undefined;
  readonly e2e: Array<{
    mode: 'polling' | 'debezium';
    fixed?: FixedRateResult;
    max?: MaxRateResult;
    /** Absent in older saved results. */
    sustained?: SustainResult;
  }>;
  readonly errors: string[];
  /** Other relays attached to the stack at the start (see `otherRelays`); absent in older results. */
  readonly otherRelays?: string[];
}

/** `: ECONNRESET 2` after a phase's failed-POST count, or nothing. */
function withReasons(failures: Readonly<Record<string, number>> | undefined): string {
  const reasons = describeFailures(failures);
  return reasons ? `: ${reasons}` : '';
}

/**
 * The end-to-end rate judged against the stages: the maximum sustainable rate; for older saved
 * results without it, the closed-loop phase's completed files/s.
 */
function sustainedRate(x: BenchResults['e2e'][number]): { rate: number; what: string } | undefined {
  if (x.sustained) return x.sustained.rate === null ? undefined : { rate: x.sustained.rate, what: 'sustainable' };
  return x.max ? { rate: x.max.hops.completedPerSecond, what: 'closed loop incl. catch-up' } : undefined;
}

/** The end-to-end targets of one relay mode: sustained rate against the slowest stage, p99 at 200/s. */
function e2eTargets(x: BenchResults['e2e'][number], slowest: number, shared: number): string[][] {
  const e = sustainedRate(x);
  const pct = (of: number) => (e && Number.isFinite(of) ? `${fmt((e.rate / of) * 100)}%` : 'n/a');
  return [
    [
      `e2e ${x.mode} sustained >= 50% of slowest stage (${fmt(slowest)}/s)`,
      e ? `${fmt(e.rate)}/s (${e.what}) = ${pct(slowest)}` : 'n/a',
      // a search that found no sustained rate is a miss, not "not measured"
      verdict(e && Number.isFinite(slowest) ? e.rate >= slowest / 2 : x.sustained ? false : undefined),
    ],
    [
      `  (for scale: the stages sharing one machine, 1/(1/pg + 3/kafka + 1/s3) = ${fmt(shared)}/s)`,
      pct(shared),
      'context',
    ],
    ...(x.sustained && x.max
      ? [
          [
            '  (closed loop: max intake, then the backlog worked off; first commit -> last completed)',
            `${fmt(x.max.hops.completedPerSecond)}/s = ${fmt((x.max.hops.completedPerSecond / slowest) * 100)}%`,
            'context',
          ],
        ]
      : []),
    [
      `e2e ${x.mode} p99 <= 250 ms @ 200/s`,
      fmt(x.fixed?.hops.total.p99),
      verdict(x.fixed ? x.fixed.hops.total.p99 <= 250 : undefined),
    ],
  ];
}

export function renderReport(r: BenchResults): { table: string; markdown: string } {
  const { stages, api, drains, e2e } = r;
  const pg = stages.postgres?.rate;
  const pgGrouped = stages.postgresGrouped?.rate;
  const stageRates = [stages.postgres?.rate, stages.kafka?.rate, stages.s3?.rate].filter(
    (x): x is number => x !== undefined,
  );
  const slowest = stageRates.length === 3 ? Math.min(...stageRates) : NaN;
  // Each stage was measured with the whole machine to itself; end to end they share it. If each
  // is CPU-bound, a file costs the sum of its stage costs: one write, three records, one PUT.
  const shared =
    stages.postgres && stages.kafka && stages.s3
      ? 1 / (1 / stages.postgres.rate + 3 / stages.kafka.rate + 1 / stages.s3.rate)
      : NaN;
  // The polling relay's best batch size of this run (each is listed in the results).
  const polling = drains
    .filter((d) => d.relay.startsWith('polling'))
    .reduce<DrainResult | undefined>((best, d) => (best && best.rate >= d.rate ? best : d), undefined);
  const dbz = drains.find((d) => d.relay.startsWith('Debezium'));
  const peer = drains.find((d) => d.relay.startsWith('pg-transactional-outbox'));
  const ePoll = e2e.find((x) => x.mode === 'polling');
  const eDbz = e2e.find((x) => x.mode === 'debezium');

  const rows: string[][] = [
    ['measurement', 'rate (/s)', 'latency p50 / p95 / p99 (ms) or duration', 'notes'],
    [
      'raw Postgres: file + outbox tx',
      fmt(pg),
      lat(stages.postgres?.latency),
      `pool 10, ${r.options.connections as number} clients, one transaction per file`,
    ],
    [
      'raw Postgres: grouped as the API writes',
      fmt(pgGrouped),
      lat(stages.postgresGrouped?.latency),
      `pool 10, ${r.options.connections as number} clients; concurrent callers' files share a transaction`,
    ],
    [
      'raw Kafka: sendBatch acks=all',
      fmt(stages.kafka?.rate),
      lat(stages.kafka?.latency),
      `records/s; latency per batch of ${r.options.relayBatch as number}`,
    ],
    [
      'raw S3: PutObject',
      fmt(stages.s3?.rate),
      lat(stages.s3?.latency),
      `${(r.options.s3Concurrency as number | undefined) ?? 3} concurrent (as the processor)`,
    ],
    [
      'API POST /files (autocannon)',
      fmt(api?.rate),
      lat(api?.latency),
      api && pg
        ? `${fmt((api.rate / pg) * 100)}% of raw Postgres (${pgGrouped ? fmt((api.rate / pgGrouped) * 100) : 'n/a'}% of its grouped write); non-202: ${api.non2xx}, errors: ${api.errors}`
        : '',
    ],
    ...(
      [
        ['API POST /files, with an API key and the rate limit (Redis)', r.apiVariants?.keyedPost, 'keyed'],
        ['API GET /files/:id, no cache (PostgreSQL)', r.apiVariants?.getUncached, 'get'],
        ['API GET /files/:id, Redis cache', r.apiVariants?.getCached, 'get'],
      ] as const
    )
      .filter(([, x]) => x !== undefined)
      .map(([label, x, kind]) => [
        label,
        fmt(x?.rate),
        lat(x?.latency),
        `${
          kind === 'keyed' && api
            ? `${fmt(((x?.rate ?? 0) / api.rate) * 100)}% of the open POST; `
            : kind === 'get' && r.apiVariants?.getUncached && x !== r.apiVariants.getUncached
              ? `${fmt(((x?.rate ?? 0) / r.apiVariants.getUncached.rate) * 100)}% of the uncached GET; `
              : ''
        }unexpected answers: ${x?.non2xx ?? 0}, errors: ${x?.errors ?? 0}`,
      ]),
    ...(r.observability ?? []).map((x) => {
      const base = r.observability?.[0];
      const rss = Object.entries(x.rssMb)
        .map(([k, v]) => `${k} ${v === undefined ? '?' : Math.round(v)}`)
        .join(', ');
      return [
        `e2e polling max, ${x.setting}: completed files/s`,
        fmt(x.completedPerSecond),
        '',
        `CPU ${x.cpuMsPerFile.toFixed(2)} ms a file (3 services${base && base !== x ? `; ${base.setting}: ${base.cpuMsPerFile.toFixed(2)}` : ''}); ${x.files} files; peak RSS MB: ${rss}`,
      ];
    }),
    ...(r.formats ?? []).map((x) => {
      const base = r.formats?.[0];
      return [
        `e2e polling max, ${x.setting}: completed files/s`,
        fmt(x.completedPerSecond),
        '',
        `CPU ${x.cpuMsPerFile.toFixed(2)} ms a file (3 services${base && base !== x ? `; ${base.setting}: ${base.cpuMsPerFile.toFixed(2)}` : ''}); ${x.files} files`,
      ];
    }),
    ...drains.map((d) => [
      `drain ${fmt(d.rows)} rows: ${d.relay}`,
      fmt(d.rate),
      `${fmt(d.seconds, 1)} s for ${fmt(d.published)} records${d.finished ? '' : ' (time limit hit)'}`,
      d.note,
    ]),
  ];
  for (const x of e2e) {
    rows.push([
      `e2e ${x.mode} @ ${x.fixed?.rate ?? '?'}/s: completed files/s`,
      fmt(x.fixed?.hops.completedPerSecond),
      '',
      x.fixed
        ? `${x.fixed.accepted} accepted (${x.fixed.failed} failed${withReasons(x.fixed.failures)}) in ${fmt(x.fixed.postSeconds, 1)} s, drained: ${x.fixed.drained}`
        : 'failed',
    ]);
    rows.push(...hopRows(`e2e ${x.mode} @ ${x.fixed?.rate ?? '?'}/s`, x.fixed?.hops));
    rows.push([
      `e2e ${x.mode} max: POST intake (autocannon)`,
      fmt(x.max?.load.rate),
      lat(x.max?.load.latency),
      x.max ? `${x.max.load.ok} accepted in ${fmt(x.max.load.seconds, 1)} s` : 'failed',
    ]);
    rows.push([
      `e2e ${x.mode} max: completed files/s (first commit -> last completed)`,
      fmt(x.max?.hops.completedPerSecond),
      '',
      x.max ? `drained: ${x.max.drained}` : '',
    ]);
    rows.push(...hopRows(`e2e ${x.mode} max`, x.max?.hops));
    for (const [name, mb] of Object.entries(x.max?.rssMb ?? {})) {
      rows.push([`peak RSS ${name} (${x.mode}, max rate)`, '', '', `${fmt(mb)} MB`]);
    }
    if (x.sustained) {
      const c = x.sustained.criteria;
      rows.push([
        `e2e ${x.mode} maximum sustainable rate (files/s)`,
        x.sustained.rate === null ? 'none held' : fmt(x.sustained.rate),
        '',
        `open loop, ${c.seconds} s a step; sustained when all were accepted on schedule and completed, and the median commit -> completed of the step's last third <= ${c.riseFactor} x its first third's + ${c.riseMs} ms and <= ${c.lateMaxMs ?? '-'} ms; steps: ${stepList(x.sustained)}`,
      ]);
      if (x.sustained.hops)
        rows.push(
          ...hopRows(`e2e ${x.mode} @ ${fmt(x.sustained.rate ?? undefined)}/s (sustainable)`, x.sustained.hops),
        );
    }
  }

  const rssAll = e2e.flatMap((x) =>
    Object.entries(x.max?.rssMb ?? {})
      .filter(([n]) => !n.startsWith('kafka-connect'))
      .map(([, v]) => v),
  );
  const targets: string[][] = [
    [
      `polling relay drains >= 10,000 rows/s${polling ? ` (${polling.relay.replace(/^.*\(createRelay, /, '(')})` : ''}`,
      polling ? fmt(polling.rate) : 'n/a',
      verdict(polling ? polling.rate >= 10_000 && polling.finished : undefined),
    ],
    [
      'polling >= 2x the peer',
      polling && peer ? `${fmt(polling.rate / peer.rate, 1)}x` : 'n/a',
      verdict(polling && peer ? polling.rate >= 2 * peer.rate : undefined),
    ],
    [
      'polling >= Debezium (same run)',
      polling && dbz ? `${fmt(polling.rate)} vs ${fmt(dbz.rate)}` : 'n/a',
      verdict(polling && dbz ? polling.rate >= dbz.rate : undefined),
    ],
    [
      'polling commit -> published p50 <= 10 ms @ 200/s',
      fmt(ePoll?.fixed?.hops.commitToPublished.p50),
      verdict(ePoll?.fixed ? ePoll.fixed.hops.commitToPublished.p50 <= 10 : undefined),
    ],
    [
      'polling commit -> published p99 <= 50 ms @ 200/s',
      fmt(ePoll?.fixed?.hops.commitToPublished.p99),
      verdict(ePoll?.fixed ? ePoll.fixed.hops.commitToPublished.p99 <= 50 : undefined),
    ],
    [
      'API >= 50% of raw Postgres write rate (one file per transaction)',
      api && pg ? `${fmt((api.rate / pg) * 100)}%` : 'n/a',
      verdict(api && pg ? api.rate >= pg / 2 : undefined),
    ],
    [
      '  (against the same writes grouped as the API groups them)',
      api && pgGrouped ? `${fmt((api.rate / pgGrouped) * 100)}%` : 'n/a',
      'context',
    ],
    ...[ePoll, eDbz].flatMap((x) => (x ? e2eTargets(x, slowest, shared) : [])),
    [
      'no service above 256 MB RSS at max rate',
      rssAll.length ? `max ${fmt(Math.max(...rssAll.map((v) => v ?? 0)))} MB` : 'n/a',
      verdict(rssAll.length ? rssAll.every((v) => v !== undefined && v <= 256) : undefined),
    ],
  ];

  const m = r.machine;
  const markdown = [
    `Run ${r.startedAt} (${fmt(r.durationS)} s), reproduced with:`,
    '',
    '```bash',
    r.command,
    '```',
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GiB; Node ${m.node}; ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '```',
    m.free,
    '```',
    '',
    r.otherRelays?.length
      ? `Attached to the stack during the run, besides the benchmark's own: ${r.otherRelays.join('; ')}.`
      : 'No other connector or replication slot was attached to the stack during the run.',
    '',
    '### Results',
    '',
    mdTable(rows[0] ?? [], rows.slice(1)),
    '',
    '### Targets',
    '',
    mdTable(['target', 'measured', 'verdict'], targets),
    '',
    ...(r.claimPlan
      ? ['### EXPLAIN ANALYZE of the claim query on the full backlog', '', '```', r.claimPlan, '```', '']
      : []),
    ...(r.apiProfile
      ? ['### API process under load: top functions by self time (`--cpu-prof`)', '', '```', ...r.apiProfile, '```', '']
      : []),
    ...(r.processorProfile
      ? [
          '### file-processor during the end-to-end run: top functions by self time',
          '',
          '```',
          ...r.processorProfile,
          '```',
          '',
        ]
      : []),
    ...(r.errors.length ? ['### Parts that failed', '', ...r.errors.map((e) => `- ${e}`), ''] : []),
  ].join('\n');
  return { table: `${textTable(rows)}\n\n${textTable([['target', 'measured', 'verdict'], ...targets])}`, markdown };
}
