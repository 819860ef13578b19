import type { TestKafkaCluster } from '@fileflow/infra';
import type { LoadResult } from './load';
import type { RelayMode, World, WorldKafka, WorldOptions } from './world';

export type InfraComponent = 'postgres' | 'kafka' | 's3' | 'connect';

/** Failure injection on the shared stack (the launcher's process control). */
export interface InfraControl {
  kill(name: InfraComponent, signal?: NodeJS.Signals): Promise<unknown>;
  start(name: InfraComponent): Promise<void>;
  /** Why each of these components is not healthy (not running, or its readiness probe fails); healthy ones are absent. */
  health(names: readonly InfraComponent[]): Promise<Partial<Record<InfraComponent, string>>>;
}

export interface ScenarioOutcome {
  readonly load: LoadResult;
  /** When the fault was over (restart done); quiescence is measured from here. */
  readonly healedAt?: number;
  /** Facts the scenario checks beyond the common invariants; each must be true. */
  readonly checks?: Record<string, boolean>;
  /** More checks, made once the world is quiescent (e.g. what the topics hold in the end). */
  readonly afterQuiescence?: () => Promise<Record<string, boolean>>;
}

/** What a scenario stands on beside the shared stack: its own Kafka cluster (and Connect worker). */
export interface ScenarioStage {
  /** What its world uses instead of the shared Kafka (and Kafka Connect). */
  readonly kafka: WorldKafka;
  /** The cluster itself, to fault. */
  readonly cluster: TestKafkaCluster;
  /** Its Kafka Connect worker's log (Debezium mode), for diagnostics. */
  readonly connectLog?: string;
  /** Stops what it started; runs after the world is gone. */
  dispose(): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** The relay modes it applies to (default: both). */
  readonly modes?: readonly RelayMode[];
  /** How its world is made (default: one process of each service, 3 partitions a topic, the shared Kafka). */
  readonly world?: Omit<WorldOptions, 'kafka'>;
  /** Sets up what the scenario needs of its own before its world is created. */
  stage?(relayMode: RelayMode, name: string): Promise<ScenarioStage>;
  run(world: World, infra: InfraControl, stage?: ScenarioStage): Promise<ScenarioOutcome>;
}

/** A promise that resolves when `n` files have been accepted (scenarios fault on progress). */
export function progress(): { onAccepted: (count: number) => void; reached: (n: number) => Promise<void> } {
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let count = 0;
  return {
    onAccepted(c) {
      count = c;
      for (const w of waiters.filter((x) => x.n <= count)) w.resolve();
    },
    reached(n) {
      return n <= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
  };
}
