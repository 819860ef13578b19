import { killComponent, stackStatus, startComponent } from '@fileflow/infra';
import type { InfraControl } from './scenario';

/** Faults on the shared stack, through the launcher (real processes, real restarts). */
export const launcherInfra: InfraControl = {
  kill: (name, signal = 'SIGKILL') => killComponent(name, signal),
  start: (name) => startComponent(name),
  async health(name) {
    const row = (await stackStatus()).find((s) => s.name === name);
    if (!row) return 'unknown component';
    if (row.state !== 'running' && row.state !== 'external') return row.state;
    return row.ready ? undefined : `not ready: ${row.readyError ?? 'no reason given'}`;
  },
};
