/**
 * Which relay mode the stack runs: pure decisions over what the launcher remembers (the state
 * file), what the caller asks for (RELAY_MODE) and what runs now (the relay process's mode).
 */
export const RELAY_MODES = ['polling', 'debezium'] as const;
export type RelayMode = (typeof RELAY_MODES)[number];

export interface RelayFacts {
  /** The mode the stack was started in (`.stack/relay-mode.json`); unset on a fresh stack. */
  readonly remembered?: RelayMode;
  /** RELAY_MODE in the caller's environment; unset when the caller did not say. */
  readonly requested?: RelayMode;
  /** The mode of the outbox-relay process that runs now; unset when none runs. */
  readonly running?: RelayMode;
}

export type StartDecision =
  | { readonly kind: 'keep'; readonly mode: RelayMode }
  | { readonly kind: 'start'; readonly mode: RelayMode }
  | { readonly kind: 'refuse'; readonly reason: string };

const switchHint = (mode: RelayMode) => `switch with \`npm run stack -- mode ${mode}\``;

/**
 * Starting the outbox-relay (`start outbox-relay`, `up --services`, a restart): the remembered
 * mode unless the caller asks otherwise. Asking for the other mode is refused while a relay runs,
 * and always when leaving Debezium: its connector and slot outlive the relay process (Connect
 * runs the connector again when it starts), so a polling relay beside them would publish every
 * row twice. Polling leaves nothing behind, so a stopped polling stack may start in Debezium mode.
 */
export function decideRelayStart(f: RelayFacts): StartDecision {
  if (f.running && f.remembered && f.running !== f.remembered) {
    return {
      kind: 'refuse',
      reason: `the outbox-relay runs in ${f.running} mode but the stack was started in ${f.remembered} mode; ${switchHint(f.running)} to keep it, or \`mode ${f.remembered}\``,
    };
  }
  const current = f.running ?? f.remembered;
  if (f.requested && current && f.requested !== current) {
    const leavingDebezium = current === 'debezium';
    if (f.running || leavingDebezium) {
      return {
        kind: 'refuse',
        reason: `the stack runs the outbox relay in ${current} mode (RELAY_MODE=${f.requested} asks for the other one); ${switchHint(f.requested)}`,
      };
    }
  }
  const mode = f.requested ?? current ?? 'polling';
  return f.running === mode ? { kind: 'keep', mode } : { kind: 'start', mode };
}

export type SwitchStep =
  /** Stop the running outbox-relay (gracefully: its batch in flight ends first). */
  | 'stop-relay'
  /** Debezium -> polling: fence writers, let the connector publish what it owes, then remove connector, offsets and slot. */
  | 'retire-connector'
  /** Start the outbox-relay in the new mode (only when one ran before). */
  | 'start-relay';

export type SwitchDecision =
  | { readonly kind: 'already'; readonly mode: RelayMode }
  | {
      readonly kind: 'switch';
      readonly from: RelayMode | undefined;
      readonly to: RelayMode;
      readonly steps: SwitchStep[];
    };

/**
 * `mode <target>`: the steps from what runs (or is remembered) to `target`. To Debezium only
 * the polling relay must stop (the connector's first start snapshots the rows left in the outbox);
 * away from Debezium the connector must be retired, whether or not its relay process runs.
 */
export function decideSwitch(f: Omit<RelayFacts, 'requested'>, target: RelayMode): SwitchDecision {
  const from = f.running ?? f.remembered;
  const retire = target === 'polling' && (from === 'debezium' || f.remembered === 'debezium');
  if (from === target && !retire) return { kind: 'already', mode: target };
  const steps: SwitchStep[] = [];
  if (f.running) steps.push('stop-relay');
  if (retire) steps.push('retire-connector');
  if (f.running) steps.push('start-relay');
  return { kind: 'switch', from, to: target, steps };
}
