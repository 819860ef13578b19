import { compositeLimit, percentOf } from './composite';
import type { DrainResult } from './drain';
import { fmt } from './measure';
import { verdict } from './report-format';
import type { BenchResults } from './results';
import type { SustainStep } from './sustainable';

/** The "Targets" table of the report: each target of docs/benchmarks.md, measured and judged. */

type E2e = BenchResults['e2e'][number];

/**
 * The end-to-end rate judged against the stages: the maximum sustainable rate; for older saved
 * results without it, the closed-loop phase's completed files/s.
 */
function sustainedRate(x: E2e): { rate: number; what: string } | undefined {
  if (x.sustained) return x.sustained.rate === null ? undefined : { rate: x.sustained.rate, what: 'sustainable' };
  return x.max ? { rate: x.max.hops.completedPerSecond, what: 'closed loop incl. catch-up' } : undefined;
}

/** The step of the search that held at its best rate (undefined: no search, or none held). */
export function sustainedStep(x: E2e): SustainStep | undefined {
  const s = x.sustained;
  return s && s.rate !== null ? s.steps.find((step) => step.sustained && step.rate === s.rate) : undefined;
}

/**
 * The end-to-end targets of one relay mode: the sustained rate against the slowest stage and
 * against the composite limit of the stages, p99 at 200/s.
 */
function e2eTargets(x: E2e, slowest: number, composite: number): string[][] {
  const e = sustainedRate(x);
  const pct = (of: number) => {
    const p = percentOf(e?.rate, of);
    return Number.isNaN(p) ? 'n/a' : `${fmt(p)}%`;
  };
  // a search that found no sustained rate is a miss, not "not measured"
  const judged = (of: number, share: number) =>
    verdict(e && Number.isFinite(of) ? e.rate >= of * share : x.sustained && Number.isFinite(of) ? false : undefined);
  return [
    [
      `e2e ${x.mode} sustained >= 50% of slowest stage (${fmt(slowest)}/s)`,
      e ? `${fmt(e.rate)}/s (${e.what}) = ${pct(slowest)}` : 'n/a',
      judged(slowest, 0.5),
    ],
    [
      `e2e ${x.mode} sustained >= 90% of the composite limit 1/(1/API + 3/Kafka + 1/S3) (${fmt(composite)}/s)`,
      pct(composite),
      judged(composite, 0.9),
    ],
    [`e2e ${x.mode} sustained >= 1,000 files/s`, e ? `${fmt(e.rate)}/s (${e.what})` : 'n/a', judged(1_000, 1)],
    cpuTarget(x),
    ...(x.sustained && x.max
      ? [
          [
            '  (closed loop: max intake, then the backlog worked off; first commit -> last completed)',
            `${fmt(x.max.hops.completedPerSecond)}/s = ${fmt(percentOf(x.max.hops.completedPerSecond, slowest))}% of the slowest stage, ${fmt(percentOf(x.max.hops.completedPerSecond, composite))}% of the composite`,
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

/** CPU per file at the sustainable rate, every process but the load generator: at most 1.6 ms. */
function cpuTarget(x: E2e): string[] {
  const cpu = sustainedStep(x)?.cpuMsPerFile?.withoutLoadGenerator;
  return [
    `e2e ${x.mode} CPU per file at the sustainable rate <= 1.6 ms (every process but the load generator)`,
    cpu === undefined ? 'n/a' : `${cpu.toFixed(2)} ms`,
    verdict(cpu === undefined ? undefined : cpu <= 1.6),
  ];
}

/** Polling against a peer: at least twice its rate. */
function peerTarget(polling: DrainResult | undefined, peer: DrainResult | undefined, name: string): string[] {
  const ran = peer && !peer.notRun;
  return [
    `polling >= 2x ${name}`,
    polling && ran ? `${fmt(polling.rate / peer.rate, 1)}x` : peer?.notRun ? `peer not run: ${peer.notRun}` : 'n/a',
    verdict(polling && ran ? polling.rate >= 2 * peer.rate : undefined),
  ];
}

/** The slowest stage and the composite limit of this run's stages (NaN where not measured). */
export function stageLimits(r: BenchResults): { slowest: number; composite: number } {
  const { stages } = r;
  const rates = [stages.postgres?.rate, stages.kafka?.rate, stages.s3?.rate].filter(
    (x): x is number => x !== undefined,
  );
  return {
    slowest: rates.length === 3 ? Math.min(...rates) : NaN,
    composite: compositeLimit({ api: r.api?.rate, kafka: stages.kafka?.rate, s3: stages.s3?.rate }),
  };
}

export function targetRows(r: BenchResults): string[][] {
  const { stages, api, drains, e2e } = r;
  const pg = stages.postgres?.rate;
  const pgGrouped = stages.postgresGrouped?.rate;
  const { slowest, composite } = stageLimits(r);
  // The polling relay's best batch size of this run (each is listed in the results).
  const polling = drains
    .filter((d) => d.relay.startsWith('polling'))
    .reduce<DrainResult | undefined>((best, d) => (best && best.rate >= d.rate ? best : d), undefined);
  const dbz = drains.find((d) => d.relay.startsWith('Debezium'));
  const ePoll = e2e.find((x) => x.mode === 'polling');
  const eDbz = e2e.find((x) => x.mode === 'debezium');
  const rssAll = e2e.flatMap((x) =>
    Object.entries(x.max?.rssMb ?? {})
      .filter(([n]) => !n.startsWith('kafka-connect'))
      .map(([, v]) => v),
  );
  return [
    [
      `polling relay drains >= 10,000 rows/s${polling ? ` (${polling.relay.replace(/^.*\(createRelay, /, '(')})` : ''}`,
      polling ? fmt(polling.rate) : 'n/a',
      verdict(polling ? polling.rate >= 10_000 && polling.finished : undefined),
    ],
    peerTarget(
      polling,
      drains.find((d) => d.relay.startsWith('pg-transactional-outbox')),
      'pg-transactional-outbox',
    ),
    peerTarget(
      polling,
      drains.find((d) => d.relay.startsWith('Watermill')),
      "Watermill's forwarder",
    ),
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
    ...[ePoll, eDbz].flatMap((x) => (x ? e2eTargets(x, slowest, composite) : [])),
    [
      'no service above 256 MB RSS at max rate',
      rssAll.length ? `max ${fmt(Math.max(...rssAll.map((v) => v ?? 0)))} MB` : 'n/a',
      verdict(rssAll.length ? rssAll.every((v) => v !== undefined && v <= 256) : undefined),
    ],
  ];
}
