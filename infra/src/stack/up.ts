/** Bring the stack up: components in parallel (Connect after Kafka), services, or one named process. */
import * as fs from 'fs';
import * as path from 'path';
import {
  COMPONENT_NAMES,
  CORE_COMPONENT_NAMES,
  SERVICE_NAMES,
  isExternal,
  stackInfo,
  type ComponentName,
  type InstanceName,
  type ProcessName,
  type ServiceName,
  type StackInfo,
} from '../config';
import { SERVICES, ensureService, instanceDef, runMigrations, stopService } from '../components/services';
import { writePrometheusTargets } from '../components/prometheus';
import { activeBrokerComponents, kafkaBrokerCount, refuseOtherClusterData } from '../kafka-brokers';
import { type Reporter, fmtSecs } from '../log';
import { REPO_ROOT, ensureStackDirs } from '../paths';
import { removePidRecord, runningPid } from '../process/pid-file';
import { withStackLock } from '../process/stack-lock';
import { errorMessage } from '../readiness/wait';
import { ensureComponent } from './ensure-component';
import { ensureKafka } from './ensure-kafka';
import { lockNotice } from './lock-notice';
import { ScaleError, formatScale, instancesOf, parseTarget, type InstanceRef, type Scale } from '../scale/scale';
import { readScale, runningInstances, writeScale } from '../scale/scale-file';
import { components, isComponentName, ourPid } from './registry';
import { ensureRelay, relayModeToStart } from './relay';

async function allOrThrow(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
  if (errors.length > 0) throw new Error(errors.join('\n\n'));
}

export interface UpOptions {
  /** Also start Kafka Connect (after Kafka is ready). */
  connect?: boolean;
  /** Also start Prometheus (built on first use). */
  prometheus?: boolean;
}

/** Kafka Connect needs Kafka: start it once Kafka is ready (an error of Kafka's is reported once, by Kafka). */
function connectAfterKafka(kafkaReady: Promise<void>, info: StackInfo, report: Reporter): Promise<void> {
  return kafkaReady.then(
    () => ensureComponent(components.connect, info, report),
    () => {
      throw new Error('[connect] not started: kafka is not ready');
    },
  );
}

export async function upStack(report: Reporter, opts: UpOptions = {}): Promise<StackInfo> {
  return withStackLock(async () => {
    ensureStackDirs();
    const t0 = Date.now();
    const info = stackInfo();
    // a cluster's data and a single broker's do not mix: refuse before anything starts
    if (!isExternal('kafka')) refuseOtherClusterData(kafkaBrokerCount());
    const brokers: readonly ComponentName[] = activeBrokerComponents();
    const names = COMPONENT_NAMES.filter(
      (n) =>
        CORE_COMPONENT_NAMES.includes(n) ||
        brokers.includes(n) ||
        (n === 'connect' && opts.connect) ||
        (n === 'prometheus' && opts.prometheus),
    );
    // Maven runs one download at a time: queue Kafka's jars first (it is the slowest to start).
    for (const n of ['kafka', 's3', 'connect'] as const) {
      const c = components[n];
      if (names.includes(n) && !isExternal(n) && ourPid(c) === undefined) c.prefetch?.(report).catch(() => undefined);
    }
    // Every broker at once: with three, none is ready before a quorum of them runs.
    const kafkaNodes = new Map(brokers.map((n) => [n, ensureComponent(components[n], info, report)]));
    const kafkaReady = Promise.all(kafkaNodes.values()).then(() => undefined);
    kafkaReady.catch(() => undefined); // reported by the brokers' own tasks
    await allOrThrow(
      names.map(
        (n) =>
          kafkaNodes.get(n) ??
          (n === 'connect'
            ? connectAfterKafka(kafkaReady, info, report)
            : ensureComponent(components[n], info, report)),
      ),
    );
    report('stack', `ready in ${fmtSecs(Date.now() - t0)}`);
    return info;
  }, lockNotice(report));
}

/**
 * The migrations, then every instance of the services `names` that `scale` asks for (default: the
 * stack's remembered scale; a given one is remembered); instances beyond it are stopped.
 */
export async function upServices(
  info: StackInfo,
  report: Reporter,
  names: readonly ServiceName[] = SERVICE_NAMES,
  scale?: Scale,
): Promise<void> {
  return withStackLock(async () => {
    const want = scale ?? readScale();
    const selected = SERVICES.filter((s) => names.includes(s.name));
    // refuse the other relay mode, and several relays in debezium mode, before anything starts
    if (names.includes('outbox-relay') && relayModeToStart() === 'debezium' && want['outbox-relay'] > 1) {
      throw new ScaleError('--scale outbox-relay: one in debezium mode (Kafka Connect publishes); use polling mode');
    }
    const missing = selected.filter(
      (s) => runningPid(s.name) === undefined && !fs.existsSync(path.join(REPO_ROOT, s.entry)),
    );
    if (missing.length > 0) {
      throw new Error(`cannot start services: ${missing.map((s) => s.entry).join(', ')} not found`);
    }
    if (scale) writeScale(scale);
    await runMigrations(info, report);
    await allOrThrow(
      selected.flatMap((s) => instancesOf(s.name, want[s.name]).map((ref) => startInstance(ref, info, report))),
    );
    for (const extra of runningInstances().filter((r) => names.includes(r.service) && r.index > want[r.service])) {
      const def = instanceDef(extra);
      await stopService(def);
      removePidRecord(def.name);
      report(def.name, `stopped (beyond --scale ${formatScale(want)})`);
    }
    writePrometheusTargets();
  }, lockNotice(report));
}

function startInstance(ref: InstanceRef, info: StackInfo, report: Reporter): Promise<void> {
  return ref.service === 'outbox-relay'
    ? ensureRelay(info, report, process.env, ref.index)
    : ensureService(instanceDef(ref), info, report).then(() => undefined);
}

/**
 * Start one component, one service instance (`file-processor.2`), or every instance of a service
 * that the stack's scale asks for (`file-processor`); resolves when they are ready.
 */
export async function startNamed(name: ProcessName | InstanceName, report: Reporter): Promise<void> {
  return withStackLock(async () => {
    ensureStackDirs();
    const info = stackInfo();
    const target = parseTarget(name);
    if (target) {
      const scale = readScale();
      const n = scale[target.service];
      if (target.index !== undefined && target.index > n) {
        throw new ScaleError(
          `${name}: the stack runs ${n} ${target.service} instance(s) (up --services --scale ${target.service}=${target.index} adds it)`,
        );
      }
      const refs =
        target.index !== undefined
          ? [{ service: target.service, index: target.index }]
          : instancesOf(target.service, n);
      await allOrThrow(refs.map((ref) => startInstance(ref, info, report)));
      writePrometheusTargets();
    } else if (isComponentName(name)) {
      // Connect needs Kafka: make sure it is up first (a no-op when it is running)
      if (name === 'connect') await ensureKafka(info, report);
      await ensureComponent(components[name], info, report);
    } else throw new ScaleError(`unknown name ${name}`);
  }, lockNotice(report));
}
