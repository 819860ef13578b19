/**
 * Programmatic API of the native stack launcher (same engine as `tsx infra/src/cli.ts`).
 *
 *   const info = await ensureStack();          // Postgres + Kafka + S3 up and ready
 *   await killComponent('kafka', 'SIGKILL');    // failure injection
 *   await startComponent('kafka');              // restarts it, data intact
 *   await ensureStack({ connect: true });       // + Kafka Connect with the Debezium plugin
 */
import {
  connectWanted,
  stackInfo,
  type InstanceName,
  type ProcessName,
  type ServiceName,
  type StackInfo,
} from './config';
import { SERVICES, instanceDef, serviceEnv as serviceEnvFor } from './components/services';
import { makeReporter } from './log';
import { CACHE_DIR } from './paths';
import { type StopResult } from './process/stop';
import { signalNamed } from './stack/signal';
import { statusAll, type ProcessStatus } from './stack/status';
import { downAll, stopNamed } from './stack/stop';
import { startNamed, upServices, upStack } from './stack/up';

export type { ComponentName, InstanceName, ProcessName, ServiceName, StackInfo } from './config';
export type { ProcessStatus } from './stack/status';
export type { StopResult } from './process/stop';

export interface LauncherOptions {
  /** No progress lines on stderr. */
  quiet?: boolean;
}

export interface StackOptions extends LauncherOptions {
  /**
   * Also start Kafka Connect + Debezium (`up --connect`), after Kafka is ready; left alone if it
   * already runs. true: start it; false: do not; unset: start it when process.env.RELAY_MODE is
   * `debezium`. It is never stopped here.
   */
  connect?: boolean;
}

/** Same as `up` without services: install/start what is missing, wait until ready, return settings. */
export function ensureStack(opts: StackOptions = {}): Promise<StackInfo> {
  return upStack(makeReporter(opts.quiet), { connect: connectWanted(opts.connect) });
}

/** `up --services`: ensureStack, migrations, then the services (all, or the ones named). */
export async function ensureServices(opts: StackOptions & { services?: ServiceName[] } = {}): Promise<StackInfo> {
  const report = makeReporter(opts.quiet);
  const info = await upStack(report, { connect: connectWanted(opts.connect) });
  await upServices(info, report, opts.services ?? SERVICES.map((s) => s.name));
  return info;
}

/** `down`: stop the services, then Kafka Connect, then Postgres, Kafka and S3 (graceful, bounded, then SIGKILL). */
export function stopStack(opts: LauncherOptions = {}): Promise<void> {
  return downAll(makeReporter(opts.quiet));
}

/** Connection settings without starting anything. */
export function getStackInfo(): StackInfo {
  return stackInfo();
}

/** Gracefully stop one component or service (its data stays). */
export function stopComponent(
  name: ProcessName | InstanceName,
  opts: LauncherOptions = { quiet: true },
): Promise<StopResult> {
  return stopNamed(name, makeReporter(opts.quiet));
}

/** Start one component or service (no-op if running and ready); resolves when ready. */
export function startComponent(
  name: ProcessName | InstanceName,
  opts: LauncherOptions = { quiet: true },
): Promise<void> {
  return startNamed(name, makeReporter(opts.quiet));
}

/**
 * Signal a running component/service and all its child processes, e.g. 'SIGKILL' (crash),
 * 'SIGSTOP'/'SIGCONT' (freeze/thaw). For SIGKILL/SIGTERM/SIGINT it resolves once all of them are
 * gone. A service name signals every instance of it. Returns the main pid (the first one signalled).
 */
export async function killComponent(
  name: ProcessName | InstanceName,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number> {
  const [pid] = await signalNamed(name, signal);
  return pid ?? -1;
}

/** Status rows as shown by `status`. */
export function stackStatus(): Promise<ProcessStatus[]> {
  return statusAll();
}

/** Environment a service gets when the launcher starts it (process.env + defaults). */
export function serviceEnv(name?: ServiceName): NodeJS.ProcessEnv {
  return serviceEnvFor(stackInfo(), name ? instanceDef({ service: name, index: 1 }) : undefined);
}
export { logFile } from './paths';
/** Where the launcher keeps downloads (jars, tools) across runs and checkouts. */
export const cacheDir = (): string => CACHE_DIR;
export { isPortOpen } from './ports';
export { abortHangingTransactionsCommand } from './components/kafka';
export { SERVICE_NODE_FLAGS } from './config';
export { runBounded, type BoundedRun } from './process/run-bounded';
export { ensureDebianTools, which, type DebianTool } from './apt';
export { consoleReporter } from './log';
export { startTestKafkaCluster, type TestKafkaCluster } from './test-cluster/kafka-cluster';
export { startTestConnectWorker, type TestConnectWorker } from './test-cluster/connect-worker';
