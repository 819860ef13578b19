import type { LoadResult } from './load';
import type { RelayMode, World, WorldOptions } from './world';

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

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** The relay modes it applies to (default: both). */
  readonly modes?: readonly RelayMode[];
  /** How its world is made (default: one process of each service, 3 partitions a topic). */
  readonly world?: WorldOptions;
  run(world: World, infra: InfraControl): Promise<ScenarioOutcome>;
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
