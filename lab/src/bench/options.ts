import { nonNegativeNumber, UsageError, type CommandLine, type CommandSpec } from '@fileflow/common';

const phaseNames = ['stages', 'api', 'drain', 'e2e', 'observability', 'formats', 'scale', 'outbox-scale'] as const;
/** What a run without `--only` measures: outbox-scale writes gigabytes, so it runs only when asked. */
const defaultPhases = phaseNames.filter((p) => p !== 'outbox-scale');
const modeNames = ['polling', 'debezium'] as const;

const options = {
  quick: { type: 'boolean', default: false },
  docs: { type: 'boolean', default: false },
  'no-stack': { type: 'boolean', default: false },
  render: { type: 'string' },
  profile: { type: 'boolean', default: false },
  only: { type: 'string', default: defaultPhases.join(',') },
  modes: { type: 'string', default: modeNames.join(',') },
  'stage-seconds': { type: 'string' },
  'stage-warmup-seconds': { type: 'string' },
  'api-seconds': { type: 'string' },
  connections: { type: 'string', default: '32' },
  's3-concurrency': { type: 'string', default: '48' },
  backlog: { type: 'string' },
  'relay-batch': { type: 'string', default: '1000' },
  'extra-relay-batches': { type: 'string', default: '5000' },
  'peer-batch': { type: 'string', default: '100' },
  'watermill-batch': { type: 'string', default: '1000' },
  'drain-timeout': { type: 'string' },
  'peer-timeout': { type: 'string' },
  rate: { type: 'string', default: '200' },
  'fixed-seconds': { type: 'string' },
  'warmup-seconds': { type: 'string' },
  'hops-csv': { type: 'string' },
  'max-seconds': { type: 'string' },
  'sustain-seconds': { type: 'string' },
  'sustain-rise': { type: 'string', default: '1.2' },
  'sustain-start': { type: 'string' },
  'sustain-steps': { type: 'string' },
  'outbox-rows': { type: 'string' },
  'outbox-claim-seconds': { type: 'string' },
  'outbox-cleanup-seconds': { type: 'string' },
  'outbox-hold-snapshot': { type: 'boolean', default: false },
} as const;

/** `npm run bench`: its options, and the text `--help` prints. */
export const benchCommand: CommandSpec<typeof options> = {
  usage: 'npm run bench -- [options]',
  summary:
    'Measure, in one run on this machine (about 18 minutes; --quick: about 4): the stage limits (PostgreSQL\n' +
    'write, Kafka produce, S3 put), the API, the relay drain of a backlog (polling, Debezium, two peers), end to\n' +
    'end at a fixed rate, at the closed-loop maximum and at the maximum sustainable rate, for both relay modes,\n' +
    'and the closed loop with one and with two of each service.',
  options,
  describe: {
    quick: 'short phases and a small backlog (a smoke run; its figures are not for the docs)',
    docs: 'write the generated section of docs/benchmarks.md and docs/benchmarks.svg',
    'no-stack': 'leave the stack alone (it must be running), e.g. beside another suite',
    render: 're-render the report of a saved results.json; measures nothing',
    profile: 'run the API and processor under node --cpu-prof and print their top functions',
    only: `phases to run, comma-separated: ${phaseNames.join(', ')} (observability: the cost of metrics and traces; formats: the rate of each file format; scale: one and two of each service; outbox-scale: the claim and the Debezium cleanup at a backlog of millions of rows, only when named)`,
    modes: `relay modes of the end-to-end phase: ${modeNames.join(', ')}`,
    'stage-seconds': 'measured seconds per stage (default 10; quick 3)',
    'stage-warmup-seconds': 'unmeasured seconds before each stage (default 5; quick 1)',
    'api-seconds': 'seconds of the API phase (default 12; quick 3)',
    connections: 'closed-loop HTTP connections',
    's3-concurrency': 'PutObjects in flight in the raw S3 stage',
    backlog: 'outbox rows of the drain phase (default 100000; quick 2000)',
    'relay-batch': "polling relay's batch size in the drain",
    'extra-relay-batches': 'further polling drains with these batch sizes, comma-separated',
    'peer-batch': "pg-transactional-outbox's batch size",
    'watermill-batch': "rows Watermill's SQL subscriber reads per query (SubscribeBatchSize)",
    'drain-timeout': 'seconds a drain may take (default 240; quick 30)',
    'peer-timeout': "seconds each peer's drain may take (default 90; quick 20)",
    rate: 'files/s of the fixed-rate end-to-end run',
    'fixed-seconds': 'seconds of the fixed-rate run (default 15; quick 3)',
    'warmup-seconds': 'unmeasured seconds at the fixed rate first (default 30; quick 2)',
    'hops-csv': "write each end-to-end file's timestamps as CSV to this folder",
    'max-seconds': 'seconds of the closed-loop maximum run (default 15; quick 3)',
    'sustain-seconds': 'seconds per step of the sustainable-rate search (default 12; quick 3)',
    'sustain-rise': "a step is sustained unless its last third's median exceeds its first third's x this + 100 ms",
    'sustain-start': "the search's first rate in files/s (default: two thirds of the closed-loop figure)",
    'sustain-steps': 'steps of the search at most, 0 for none (default 6; quick 2)',
    'outbox-rows': 'outbox-scale: backlog sizes, comma-separated (default 1000000,3000000,5000000; quick 100000)',
    'outbox-claim-seconds': 'outbox-scale: seconds of draining claims per backlog (default 60; quick 5)',
    'outbox-cleanup-seconds': 'outbox-scale: seconds the cleanup may take per backlog (default 240; quick 10)',
    'outbox-hold-snapshot':
      'outbox-scale: keep a REPEATABLE READ transaction open in the database meanwhile (as pg_dump would)',
  },
  epilogue: 'Exits 0 when every part ran, 1 if any failed.',
};

type Values = Extract<CommandLine<typeof options>, { kind: 'run' }>['values'];

/** A number option, or `fallback` when absent. */
function num(values: Partial<Record<string, string | boolean | undefined>>, name: string, fallback: number): number {
  const v = values[name];
  return typeof v === 'string' ? nonNegativeNumber(name, v) : fallback;
}

function list<T extends string>(name: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').filter(Boolean);
  const bad = items.filter((i) => !allowed.some((a) => a === i));
  if (bad.length) throw new UsageError(`--${name}: unknown ${bad.join(', ')}; one of: ${allowed.join(', ')}`);
  return allowed.filter((a) => items.includes(a));
}

/** The benchmark's settings from its parsed options. */
export function benchOptions(values: Values) {
  const quick = values.quick;
  const n = (name: keyof typeof options, full: number, short = full) => num(values, name, quick ? short : full);
  return {
    quick,
    docs: values.docs,
    /** Leave the stack alone (it must already be running): for runs beside another suite. */
    noStack: values['no-stack'],
    /** Re-render the report of a saved results.json instead of measuring. */
    render: values.render,
    /** Run the API phase under `node --cpu-prof` and print its top functions by self time. */
    profile: values.profile,
    phases: new Set(list('only', values.only, phaseNames)),
    stageSeconds: n('stage-seconds', 10, 3),
    /** Unmeasured seconds of each stage's loop first (servers' and client's JIT warm up). */
    stageWarmupSeconds: n('stage-warmup-seconds', 5, 1),
    apiSeconds: n('api-seconds', 12, 3),
    connections: n('connections', 32),
    /** Uploads in flight in the file processor at most: 3 partitions x S3_UPLOAD_CONCURRENCY (16). */
    s3Concurrency: n('s3-concurrency', 48),
    backlog: n('backlog', 100_000, 2_000),
    relayBatch: n('relay-batch', 1_000),
    /** Extra polling-relay drains with these batch sizes (same backlog size, fresh database each). */
    extraRelayBatches: values['extra-relay-batches']
      .split(',')
      .filter(Boolean)
      .map((b) => nonNegativeNumber('extra-relay-batches', b)),
    peerBatch: n('peer-batch', 100),
    /** Watermill's SQL subscriber: rows per query. */
    watermillBatch: n('watermill-batch', 1_000),
    drainTimeoutS: n('drain-timeout', 240, 30),
    peerTimeoutS: n('peer-timeout', 90, 20),
    fixedRate: n('rate', 200),
    fixedSeconds: n('fixed-seconds', 15, 3),
    /**
     * Unmeasured load at the fixed rate first, so the figures are the steady state, not start-up
     * (fresh service processes answer slowly for their first seconds).
     */
    warmupSeconds: n('warmup-seconds', 30, 2),
    /** Write each end-to-end file's timestamps (commit, published, uploaded, completed) as CSV here. */
    hopsCsvDir: values['hops-csv'],
    maxSeconds: n('max-seconds', 15, 3),
    /** Maximum sustainable rate: seconds of open-loop POSTs per step of the search. */
    sustainSeconds: n('sustain-seconds', 12, 3),
    /** A step is sustained unless its last third's median latency exceeds its first third's x this + 100 ms, or 1 s. */
    sustainRise: n('sustain-rise', 1.2),
    /** The search's first rate (files/s); default two thirds of the closed-loop figure. */
    sustainStart: values['sustain-start'] === undefined ? undefined : n('sustain-start', 0),
    /** Steps of the search at most (0: no search). */
    sustainSteps: n('sustain-steps', 6, 2),
    modes: list('modes', values.modes, modeNames),
    outboxRows: (values['outbox-rows'] ?? (quick ? '100000' : '1000000,3000000,5000000'))
      .split(',')
      .filter(Boolean)
      .map((r) => nonNegativeNumber('outbox-rows', r)),
    outboxClaimSeconds: n('outbox-claim-seconds', 60, 5),
    outboxCleanupSeconds: n('outbox-cleanup-seconds', 240, 10),
    outboxHoldSnapshot: values['outbox-hold-snapshot'],
  };
}

export type BenchOptions = ReturnType<typeof benchOptions>;
