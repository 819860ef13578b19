/**
 * The application services, run from source with tsx as detached processes:
 * `node --import tsx <svc>/src/main.ts` (what `npx tsx <svc>/src/main.ts` runs, minus the npx and
 * tsx-cli wrapper processes, so the pid file points at the service itself and signals reach it
 * directly). Ready = GET http://127.0.0.1:<own port>/health/ready answers 200. Several instances of
 * a service each get their own pid file, log, INSTANCE_ID, Kafka client id and port.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ensurePepperFile } from '../secrets';
import { spawn } from 'child_process';
import { HOST, SERVICE_NODE_FLAGS, TIMEOUTS, type InstanceName, type ServiceName, type StackInfo } from '../config';
import { type Reporter, fmtSecs } from '../log';
import { REPO_ROOT, logFile } from '../paths';
import { runningPid } from '../process/pid-file';
import { spawnDetached } from '../process/spawn';
import { stopProcess, type StopResult } from '../process/stop';
import { describeListeners, findListeners, isPortOpen } from '../ports';
import { instanceClientId, instanceName, instancePorts, type InstanceRef } from '../scale/scale';
import { runningInstances } from '../scale/scale-file';
import { probeHttp } from '../readiness/http';
import { tailFile, waitFor } from '../readiness/wait';

export interface ServiceDef {
  name: ServiceName;
  entry: string;
  port: number;
  clientId: string;
  groupId: string;
}

export const SERVICES: readonly ServiceDef[] = [
  { name: 'api', entry: 'api/src/main.ts', port: 3000, clientId: 'api-service', groupId: 'api-service-group' },
  {
    name: 'outbox-relay',
    entry: 'outbox-relay/src/main.ts',
    port: 3002,
    clientId: 'outbox-relay',
    groupId: 'outbox-relay-group',
  },
  {
    name: 'file-processor',
    entry: 'file-processor/src/main.ts',
    port: 3001,
    clientId: 'file-service',
    groupId: 'file-service-group',
  },
];

export const MIGRATE_ENTRY = 'db/src/migrate-cli.ts';

export function serviceDef(name: ServiceName): ServiceDef {
  const def = SERVICES.find((s) => s.name === name);
  if (!def) throw new Error(`unknown service ${name}`);
  return def;
}

/** One instance of a service as the launcher runs it (see scale/scale.ts for names and ports). */
export interface InstanceDef {
  name: InstanceName;
  service: ServiceName;
  index: number;
  entry: string;
  /** Its own port: where it is probed and scraped. */
  port: number;
  /** The port it shares with the other instances (the API's, with SO_REUSEPORT). */
  sharedPort?: number;
  clientId: string;
  groupId: string;
}

export function instanceDef(ref: InstanceRef): InstanceDef {
  const svc = serviceDef(ref.service);
  const ports = instancePorts(ref);
  return {
    name: instanceName(ref),
    service: ref.service,
    index: ref.index,
    entry: svc.entry,
    port: ports.own,
    ...(ports.shared !== undefined ? { sharedPort: ports.shared } : {}),
    clientId: instanceClientId(svc.clientId, ref.index),
    groupId: svc.groupId,
  };
}

/** The ports an instance listens on, the shared one first. */
export const instancePortList = (def: InstanceDef): number[] =>
  def.sharedPort !== undefined ? [def.sharedPort, def.port] : [def.port];

export const readyUrl = (def: InstanceDef): string => `http://${HOST}:${def.port}/health/ready`;

/**
 * process.env, plus defaults for the shared settings; per instance PORT, INSTANCE_ID and the Kafka
 * ids (the API's instances: PORT is the shared one, with HTTP_REUSE_PORT, and ADMIN_PORT their own).
 */
export function serviceEnv(info: StackInfo, def?: InstanceDef): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? info.databaseUrl,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? info.kafkaBrokers.join(','),
    AWS_ENDPOINT: process.env.AWS_ENDPOINT ?? info.s3Endpoint,
    AWS_REGION: process.env.AWS_REGION ?? info.region,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? info.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? info.credentials.secretAccessKey,
    S3_BUCKET: process.env.S3_BUCKET ?? info.bucket,
    // read by the outbox-relay when RELAY_MODE=debezium (the launcher sets RELAY_MODE: stack/relay.ts)
    KAFKA_CONNECT_URL: process.env.KAFKA_CONNECT_URL ?? info.kafkaConnectUrl,
    // the API's: its rate-limit counters and file cache, and the pepper of its keys
    REDIS_URL: process.env.REDIS_URL ?? info.redisUrl,
    ...(process.env.API_KEY_PEPPER === undefined
      ? { API_KEY_PEPPER_FILE: process.env.API_KEY_PEPPER_FILE ?? ensurePepperFile() }
      : {}),
  };
  if (def) {
    env.PORT = String(def.sharedPort ?? def.port);
    if (def.sharedPort !== undefined) {
      env.HTTP_REUSE_PORT = 'true';
      env.ADMIN_PORT = String(def.port);
    }
    env.INSTANCE_ID = def.name;
    env.KAFKA_CLIENT_ID = def.clientId;
    env.KAFKA_GROUP_ID = def.groupId;
  }
  return env;
}

function tsxArgs(entry: string, nodeFlags: readonly string[] = []): string[] {
  return [...nodeFlags, '--import', 'tsx', path.join(REPO_ROOT, entry)];
}

/** Runs the migrations (db/src/migrate-cli.ts) to completion; skipped if the file does not exist. */
export async function runMigrations(info: StackInfo, report: Reporter): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, MIGRATE_ENTRY))) {
    report('migrate', `${MIGRATE_ENTRY} does not exist yet: skipped`);
    return;
  }
  const log = logFile('migrate');
  const t0 = Date.now();
  report('migrate', `running ${MIGRATE_ENTRY} (log: ${log})`);
  fs.appendFileSync(log, `\n===== ${new Date().toISOString()} ${MIGRATE_ENTRY}\n`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, tsxArgs(MIGRATE_ENTRY), {
    cwd: REPO_ROOT,
    env: serviceEnv(info),
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`[migrate] failed (exit ${code}); see ${log}\n${tailFile(log, 20)}`);
  report('migrate', `done in ${fmtSecs(Date.now() - t0)}`);
}

/** The environment a process was started with (`/proc/<pid>/environ`); empty when unreadable. */
function envOfProcess(pid: number): Record<string, string> {
  try {
    const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return Object.fromEntries(
      entries.filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}

/** Refuse a shared port held by anything but our own instances of the same service. */
function checkSharedPort(def: InstanceDef): void {
  if (def.sharedPort === undefined) return;
  const ours = new Set(runningInstances(def.service).map((i) => i.pid));
  const foreign = findListeners(def.sharedPort).filter((l) => !ours.has(l.pid));
  if (foreign.length > 0) {
    throw new Error(
      `[${def.name}] port ${def.sharedPort} is held by ${describeListeners(def.sharedPort)}, not by an instance of ${def.service}`,
    );
  }
}

/** Start (or keep) one instance and wait for /health/ready; `env` is added to what it gets from serviceEnv. */
export async function ensureService(
  def: InstanceDef,
  info: StackInfo,
  report: Reporter,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const t0 = Date.now();
  const log = logFile(def.name);
  const entryAbs = path.join(REPO_ROOT, def.entry);
  const existing = runningPid(def.name);
  if (existing !== undefined) {
    const started = envOfProcess(existing);
    const own = started.ADMIN_PORT ?? started.PORT;
    if (own !== undefined && own !== String(def.port)) {
      throw new Error(
        `[${def.name}] pid ${existing} runs on port ${own}, not ${def.port} (started before several instances were possible?): ` +
          `restart it (\`npm run stack -- stop ${def.name}\`, then start)`,
      );
    }
    await waitFor(() => probeHttp(readyUrl(def)), {
      what: `[${def.name}]`,
      timeoutMs: TIMEOUTS.service,
      pid: existing,
      logFile: log,
    });
    report(def.name, `already running (pid ${existing}), ready`);
    return existing;
  }
  if (!fs.existsSync(entryAbs)) throw new Error(`[${def.name}] ${def.entry} does not exist`);
  if (await isPortOpen(def.port)) {
    throw new Error(
      `[${def.name}] port ${def.port} is already in use by ${describeListeners(def.port)}, not started by this launcher`,
    );
  }
  checkSharedPort(def);
  report(
    def.name,
    `starting ${def.entry} on port ${def.sharedPort !== undefined ? `${def.sharedPort} (shared) and ${def.port}` : def.port}`,
  );
  const pid = await spawnDetached({
    name: def.name,
    command: process.execPath,
    args: tsxArgs(def.entry, SERVICE_NODE_FLAGS),
    cwd: REPO_ROOT,
    env: { ...serviceEnv(info, def), ...env },
    logFile: log,
    marker: entryAbs,
  });
  await waitFor(() => probeHttp(readyUrl(def)), {
    what: `[${def.name}]`,
    timeoutMs: TIMEOUTS.service,
    pid,
    logFile: log,
  });
  report(def.name, `ready in ${fmtSecs(Date.now() - t0)} (pid ${pid}, ${readyUrl(def)})`);
  return pid;
}

export async function stopService(def: InstanceDef): Promise<StopResult> {
  const pid = runningPid(def.name);
  if (pid === undefined) return 'not-running';
  return stopProcess(pid, TIMEOUTS.serviceStop);
}
