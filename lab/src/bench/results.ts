import type { DrainResult } from './drain';
import type { FixedRateResult, MaxRateResult } from './e2e';
import type { SettingCost } from './setting-cost';
import type { OutboxScaleResults } from './outbox-scale-phase';
import type { CannonResult } from './load-generators';
import type { LoopResult } from './measure';
import type { ScaleResult } from './scale';
import type { SustainResult } from './sustainable';

/** What one run of `npm run bench` measured: `.stack/bench/results.json`, what `--render` reads. */
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
  readonly observability?: readonly SettingCost[];
  /** The same closed loop making each file format. */
  readonly formats?: readonly SettingCost[];
  /** The claim and the Debezium cleanup at a backlog of millions of rows (`--only outbox-scale`). */
  readonly outboxScale?: OutboxScaleResults;
  readonly apiVariants?: {
    readonly keyedPost?: CannonResult | undefined;
    readonly getUncached?: CannonResult | undefined;
    readonly getCached?: CannonResult | undefined;
  };
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
  /** One and two of each service, the same closed loop (absent in older results). */
  readonly scale?: ScaleResult;
  readonly errors: string[];
  /** Other relays attached to the stack at the start (see `otherRelays`); absent in older results. */
  readonly otherRelays?: string[];
}
