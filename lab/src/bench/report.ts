import { fmt } from './measure';
import { hopRows, lat, mdTable, stepList, textTable } from './report-format';
import { scaleRows } from './report-scale';
import { sustainedStep, targetRows } from './report-targets';
import type { BenchResults } from './results';
import { describeFailures } from './sustainable';

/** `: ECONNRESET 2` after a phase's failed-POST count, or nothing. */
function withReasons(failures: Readonly<Record<string, number>> | undefined): string {
  const reasons = describeFailures(failures);
  return reasons ? `: ${reasons}` : '';
}

export function renderReport(r: BenchResults): { table: string; markdown: string } {
  const { stages, api, drains, e2e } = r;
  const pg = stages.postgres?.rate;
  const pgGrouped = stages.postgresGrouped?.rate;

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
    ...drains.map((d) =>
      d.notRun
        ? [`drain ${fmt(d.rows)} rows: ${d.relay}`, 'n/a', '', `peer not run: ${d.notRun}`]
        : [
            `drain ${fmt(d.rows)} rows: ${d.relay}`,
            fmt(d.rate),
            `${fmt(d.seconds, 1)} s for ${fmt(d.published)} records${d.finished ? '' : ' (time limit hit)'}`,
            d.note,
          ],
    ),
    ...scaleRows(r.scale),
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
      const cpu = sustainedStep(x)?.cpuMsPerFile;
      if (cpu)
        rows.push([
          `e2e ${x.mode} @ ${fmt(x.sustained.rate ?? undefined)}/s (sustainable): CPU per file, every process`,
          '',
          '',
          `${cpu.withoutLoadGenerator.toFixed(2)} ms (${cpu.all.toFixed(2)} with the load generator): the machine's busy time (/proc/stat) from the step's first POST until its files drained, over the files`,
        ]);
      if (x.sustained.hops)
        rows.push(
          ...hopRows(`e2e ${x.mode} @ ${fmt(x.sustained.rate ?? undefined)}/s (sustainable)`, x.sustained.hops),
        );
    }
  }

  const targets = targetRows(r);

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
