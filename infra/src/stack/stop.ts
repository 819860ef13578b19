/** Stop processes: one by name, or everything (services, then Connect, then the core components). */
import { CORE_COMPONENT_NAMES, SERVICE_NAMES, isExternal, type ProcessName } from '../config';
import { serviceDef, stopService } from '../components/services';
import type { Reporter } from '../log';
import { removePidRecord } from '../process/pid-file';
import { withStackLock } from '../process/stack-lock';
import type { StopResult } from '../process/stop';
import { BROKER_COMPONENTS } from '../kafka-brokers';
import { lockNotice } from './lock-notice';

const EXTRA_BROKERS = BROKER_COMPONENTS.filter((n) => n !== 'kafka');
import { components, isServiceName, ourPid } from './registry';

async function stopOne(name: ProcessName, report: Reporter): Promise<StopResult> {
  let result: StopResult;
  if (isServiceName(name)) {
    result = await stopService(serviceDef(name));
  } else {
    const c = components[name];
    if (isExternal(name)) {
      report(name, 'external: not stopped');
      return 'not-running';
    }
    const pid = ourPid(c);
    result = pid === undefined ? 'not-running' : await c.stop(pid);
  }
  removePidRecord(name);
  if (result !== 'not-running')
    report(name, result === 'killed' ? 'did not stop in time: killed (SIGKILL)' : 'stopped');
  return result;
}

export async function downAll(report: Reporter): Promise<void> {
  return withStackLock(async () => {
    await Promise.all(SERVICE_NAMES.map((n) => stopOne(n, report)));
    // Connect before Kafka: its graceful shutdown commits offsets and leaves its group
    await stopOne('connect', report);
    await stopOne('prometheus', report);
    // every broker, whether three were asked for this time or not
    await Promise.all([...CORE_COMPONENT_NAMES, ...EXTRA_BROKERS].map((n) => stopOne(n, report)));
  }, lockNotice(report));
}

export async function stopNamed(name: ProcessName, report: Reporter): Promise<StopResult> {
  return withStackLock(() => stopOne(name, report), lockNotice(report));
}
