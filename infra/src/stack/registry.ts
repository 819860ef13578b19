/** The local components by name, and which running pid is ours. */
import { COMPONENT_NAMES, SERVICE_NAMES, type ComponentName, type ServiceName } from '../config';
import { connectComponent } from '../components/connect';
import { kafkaComponent } from '../components/kafka';
import { postgresComponent } from '../components/postgres';
import { prometheusComponent } from '../components/prometheus';
import { redisComponent } from '../components/redis';
import { s3Component } from '../components/s3';
import type { LocalComponent } from '../components/types';
import { findListeners } from '../ports';
import { isOurs } from '../process/liveness';
import { runningPid, writePidRecord } from '../process/pid-file';

export const components: Record<ComponentName, LocalComponent> = {
  postgres: postgresComponent(),
  kafka: kafkaComponent('kafka'),
  'kafka-2': kafkaComponent('kafka-2'),
  'kafka-3': kafkaComponent('kafka-3'),
  s3: s3Component(),
  redis: redisComponent(),
  connect: connectComponent(),
  prometheus: prometheusComponent(),
};

export const isComponentName = (n: string): n is ComponentName => (COMPONENT_NAMES as readonly string[]).includes(n);
export const isServiceName = (n: string): n is ServiceName => (SERVICE_NAMES as readonly string[]).includes(n);

/** Pid of our running process: from the pid file, or adopted from the port's listener if it is ours. */
export function ourPid(c: LocalComponent): number | undefined {
  const pid = runningPid(c.name);
  if (pid !== undefined) return pid;
  for (const l of findListeners(c.ports[0] ?? 0)) {
    if (isOurs(l.pid, c.marker)) {
      writePidRecord(c.name, { pid: l.pid, marker: c.marker, command: l.command, startedAt: 'adopted' });
      return l.pid;
    }
  }
  return undefined;
}
