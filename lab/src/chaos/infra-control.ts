import { killComponent, stackStatus, startComponent } from '@fileflow/infra';
import type { InfraControl } from './scenario';

/** Faults on the shared stack, through the launcher (real processes, real restarts). */
export const launcherInfra: InfraControl = {
  kill: (name, signal = 'SIGKILL') => killComponent(name, signal),
  start: (name) => startComponent(name),
  async health(names) {
    const rows = await stackStatus(); // one probe of every component, whatever was asked
    const problems: Partial<Record<(typeof names)[number], string>> = {};
    for (const name of names) {
      const row = rows.find((s) => s.name === name);
      if (!row) problems[name] = 'unknown component';
      else if (row.state !== 'running' && row.state !== 'external') problems[name] = row.state;
      else if (!row.ready) problems[name] = `not ready: ${row.readyError ?? 'no reason given'}`;
    }
    return problems;
  },
};
