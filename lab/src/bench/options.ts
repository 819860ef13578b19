/** Command-line options of `npm run bench` (see cli.ts for the flags). */
export function parseArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const phases = new Set((get('only') ?? 'stages,api,drain,e2e').split(','));
  return {
    quick,
    docs: argv.includes('--docs'),
    /** Leave the stack alone (it must already be running): for runs beside another suite. */
    noStack: argv.includes('--no-stack'),
    /** Re-render the report of a saved results.json instead of measuring. */
    render: get('render'),
    /** Run the API phase under `node --cpu-prof` and print its top functions by self time. */
    profile: argv.includes('--profile'),
    phases,
    stageSeconds: Number(get('stage-seconds') ?? (quick ? 3 : 10)),
    /** Unmeasured seconds of each stage's loop first (servers' and client's JIT warm up). */
    stageWarmupSeconds: Number(get('stage-warmup-seconds') ?? (quick ? 1 : 5)),
    apiSeconds: Number(get('api-seconds') ?? (quick ? 3 : 12)),
    connections: Number(get('connections') ?? 32),
    /** Uploads in flight in the file processor at most: 3 partitions x S3_UPLOAD_CONCURRENCY (16). */
    s3Concurrency: Number(get('s3-concurrency') ?? 48),
    backlog: Number(get('backlog') ?? (quick ? 2_000 : 100_000)),
    relayBatch: Number(get('relay-batch') ?? 1_000),
    /** Extra polling-relay drains with these batch sizes (same backlog size, fresh database each). */
    extraRelayBatches: (get('extra-relay-batches') ?? '5000').split(',').filter(Boolean).map(Number),
    peerBatch: Number(get('peer-batch') ?? 100),
    drainTimeoutS: Number(get('drain-timeout') ?? (quick ? 30 : 240)),
    peerTimeoutS: Number(get('peer-timeout') ?? (quick ? 20 : 90)),
    fixedRate: Number(get('rate') ?? 200),
    fixedSeconds: Number(get('fixed-seconds') ?? (quick ? 3 : 15)),
    /**
     * Unmeasured load at the fixed rate first, so the figures are the steady state, not start-up.
     * 30 s: after 10 s the fresh service processes still answered slowly for the phase's first
     * seconds (session 8: Debezium at 200/s, p99 283 ms after 10 s of warm-up, 124 ms after 30 s).
     */
    warmupSeconds: Number(get('warmup-seconds') ?? (quick ? 2 : 30)),
    /** Write each end-to-end file's timestamps (commit, published, uploaded, completed) as CSV here. */
    hopsCsvDir: get('hops-csv'),
    maxSeconds: Number(get('max-seconds') ?? (quick ? 3 : 15)),
    /** Maximum sustainable rate: seconds of open-loop POSTs per step of the search. */
    sustainSeconds: Number(get('sustain-seconds') ?? (quick ? 3 : 12)),
    /** A step is sustained unless its last third's median latency exceeds its first third's x this + 100 ms, or 1 s. */
    sustainRise: Number(get('sustain-rise') ?? 1.2),
    /** The search's first rate (files/s); default two thirds of the closed-loop figure. */
    sustainStart: get('sustain-start') === undefined ? undefined : Number(get('sustain-start')),
    /** Steps of the search at most (0: no search). */
    sustainSteps: Number(get('sustain-steps') ?? (quick ? 2 : 6)),
    modes: (get('modes') ?? 'polling,debezium').split(',') as Array<'polling' | 'debezium'>,
  };
}

export type BenchOptions = ReturnType<typeof parseArgs>;
