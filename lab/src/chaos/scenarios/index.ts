import type { Scenario } from '../scenario';
import { kafkaRestart, postgresRestart, s3Outage } from './infra-faults';
import { poisonMessages, replayFileCreated } from './message-faults';
import { networkFaults } from './network-faults';
import { processorCrash, relayCrash, statusConsumerCrash } from './process-crashes';

/** Every scenario of the failure suite, in the order the suite runs them. */
export const scenarios: readonly Scenario[] = [
  relayCrash,
  processorCrash,
  statusConsumerCrash,
  kafkaRestart,
  s3Outage,
  postgresRestart,
  replayFileCreated,
  poisonMessages,
  networkFaults,
];
