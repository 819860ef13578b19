import { killComponent, startComponent } from '@fileflow/infra';
import type { InfraControl } from './scenario';

/** Faults on the shared stack, through the launcher (real processes, real restarts). */
export const launcherInfra: InfraControl = {
  kill: (name, signal = 'SIGKILL') => killComponent(name, signal),
  start: (name) => startComponent(name),
};
