import type { Scenario } from '../scenario';
import type { RelayMode } from '../world';
import { kafkaRestart, postgresRestart, s3OutagePastBudget, s3OutageWithinBudget } from './infra-faults';
import { poisonMessages, replayFileCreated } from './message-faults';
import { brokerKill } from './broker-kill';
import { connectCrash } from './connect-crash';
import { deletionCrash, expiryRetryRace } from './deletions';
import { gracefulShutdown } from './graceful-shutdown';
import { maxSizeBurst } from './max-size-burst';
import { networkFaults } from './network-faults';
import { apiCrash, processorCrash, relayCrash, statusConsumerCrash } from './process-crashes';
import { scaleOut } from './scale-out';

/** Every scenario of the failure suite, in the order the suite runs them. */
export const scenarios: readonly Scenario[] = [
  relayCrash,
  connectCrash,
  processorCrash,
  statusConsumerCrash,
  apiCrash,
  kafkaRestart,
  brokerKill,
  s3OutageWithinBudget,
  s3OutagePastBudget,
  postgresRestart,
  replayFileCreated,
  poisonMessages,
  networkFaults,
  gracefulShutdown,
  maxSizeBurst,
  deletionCrash,
  expiryRetryRace,
  scaleOut,
];

/** (scenario, relay mode) pairs to run; CHAOS_RELAY_MODES=polling limits the modes. */
export function scenarioRuns(
  names: readonly string[] = [],
  relayModes: readonly RelayMode[] = modesFromEnv(),
): Array<[Scenario, RelayMode]> {
  return scenarios
    .filter((s) => names.length === 0 || names.includes(s.name))
    .flatMap((s) =>
      (s.modes ?? allModes).filter((m) => relayModes.includes(m)).map((m): [Scenario, RelayMode] => [s, m]),
    );
}

const allModes: readonly RelayMode[] = ['polling', 'debezium'];

function modesFromEnv(): RelayMode[] {
  const wanted = (process.env.CHAOS_RELAY_MODES ?? 'polling,debezium').split(',');
  return allModes.filter((m) => wanted.includes(m));
}
