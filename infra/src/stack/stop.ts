/** Stop processes: one by name, or everything (services, then Connect, then the core components). */
import { CORE_COMPONENT_NAMES, isExternal, type ComponentName, type InstanceName, type ProcessName } from '../config';
import { instanceDef, stopService } from '../components/services';
import type { Reporter } from '../log';
import { removePidRecord } from '../process/pid-file';
import { withStackLock } from '../process/stack-lock';
import type { StopResult } from '../process/stop';
import { ScaleError, parseTarget, type InstanceRef } from '../scale/scale';
import { runningInstances } from '../scale/scale-file';
import { BROKER_COMPONENTS } from '../kafka-brokers';
import { lockNotice } from './lock-notice';
import { components, isComponentName, ourPid } from './registry';

const EXTRA_BROKERS = BROKER_COMPONENTS.filter((n) => n !== 'kafka');

function reportStop(name: string, result: StopResult, report: Reporter): void {
  if (result !== 'not-running')
    report(name, result === 'killed' ? 'did not stop in time: killed (SIGKILL)' : 'stopped');
}

async function stopComponentNamed(name: ComponentName, report: Reporter): Promise<StopResult> {
  const c = components[name];
  if (isExternal(name)) {
    report(name, 'external: not stopped');
    return 'not-running';
  }
  const pid = ourPid(c);
  const result = pid === undefined ? 'not-running' : await c.stop(pid);
  removePidRecord(name);
  reportStop(name, result, report);
  return result;
}

async function stopInstance(ref: InstanceRef, report: Reporter): Promise<StopResult> {
  const def = instanceDef(ref);
  const result = await stopService(def);
  removePidRecord(def.name);
  reportStop(def.name, result, report);
  return result;
}

/** The instances a name means: one (`api.2`), or every running one of a service (`api`). */
function instancesNamed(name: string): InstanceRef[] | undefined {
  const target = parseTarget(name);
  if (!target) return undefined;
  if (target.index !== undefined) return [{ service: target.service, index: target.index }];
  const running = runningInstances(target.service);
  // instance 1 even when not running, so that its stale pid file goes
  return running.some((r) => r.index === 1) ? running : [{ service: target.service, index: 1 }, ...running];
}

/** Stop every running service instance, all at once. */
export async function stopAllServices(report: Reporter): Promise<void> {
  await Promise.all(runningInstances().map((r) => stopInstance(r, report)));
}

export async function downAll(report: Reporter): Promise<void> {
  return withStackLock(async () => {
    await stopAllServices(report);
    // Connect before Kafka: its graceful shutdown commits offsets and leaves its group
    await stopComponentNamed('connect', report);
    await stopComponentNamed('prometheus', report);
    // every broker, whether three were asked for this time or not
    await Promise.all([...CORE_COMPONENT_NAMES, ...EXTRA_BROKERS].map((n) => stopComponentNamed(n, report)));
  }, lockNotice(report));
}

/**
 * Stop one component, one service instance (`file-processor.2`), or every instance of a service
 * (`file-processor`). The result is the worst of the instances' ('killed' over 'stopped').
 */
export async function stopNamed(name: ProcessName | InstanceName, report: Reporter): Promise<StopResult> {
  return withStackLock(async () => {
    if (isComponentName(name)) return stopComponentNamed(name, report);
    const refs = instancesNamed(name);
    if (!refs) throw new ScaleError(`unknown name ${name}`);
    const results = await Promise.all(refs.map((r) => stopInstance(r, report)));
    return results.includes('killed') ? 'killed' : results.includes('stopped') ? 'stopped' : 'not-running';
  }, lockNotice(report));
}
