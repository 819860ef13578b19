/**
 * Kafka Connect in distributed mode (one worker) with the Debezium PostgreSQL connector plugin, for
 * RELAY_MODE=debezium. Optional: started only on request (`up --connect`, RELAY_MODE=debezium,
 * ensureStack({ connect: true })), after Kafka is ready.
 *
 * Jars come from Maven Central through outbox-relay/debezium/pom.xml (see
 * outbox-relay/debezium/README.md): the worker classpath (default profile) and the plugin folder
 * (-Dplugin=debezium), both into the cache dir. The worker properties are rendered from
 * outbox-relay/debezium/connect-distributed.properties, with the settings the launcher relies on
 * forced (ports, group, internal topics, converters, exactly-once).
 * Its state lives in Kafka (internal topics), so there is no data dir: only config and a log.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONNECT, HOST, isExternal, jvmFlags, KAFKA, TIMEOUTS, type StackInfo } from '../config';
import { kafkaBrokerCount } from '../kafka-brokers';
import { replicationFor } from './kafka-node';
import type { Reporter } from '../log';
import { ensureMavenDeps, javaCommand } from '../maven';
import { CACHE_DIR, CONF_DIR, REPO_ROOT, ensureDir, logFile } from '../paths';
import { isAlive } from '../process/liveness';
import { spawnDetached } from '../process/spawn';
import { stopProcess, type StopResult } from '../process/stop';
import { probeConnect } from '../readiness/connect';
import type { LocalComponent } from './types';

const LOG = logFile('connect');
const CONF = path.join(CONF_DIR, 'connect');
const PROPERTIES = path.join(CONF, 'connect-distributed.properties');
const LOG4J2 = path.join(CONF, 'log4j2.properties');

const DEBEZIUM_DIR = path.join(REPO_ROOT, 'outbox-relay', 'debezium');
const POM = path.join(DEBEZIUM_DIR, 'pom.xml');
const PROPERTIES_TEMPLATE = path.join(DEBEZIUM_DIR, 'connect-distributed.properties');
const LOG4J2_TEMPLATE = path.join(DEBEZIUM_DIR, 'log4j2.properties');

const LIBS = path.join(CACHE_DIR, `connect-${CONNECT.kafkaVersion}`, 'libs');
/** plugin.path: the folder that contains `debezium-connector-postgres/`. */
const PLUGIN_PATH = path.join(CACHE_DIR, `debezium-${CONNECT.debeziumVersion}`, 'plugins');
const PLUGIN_NAME = 'debezium-connector-postgres';
const PLUGIN_DIR = path.join(PLUGIN_PATH, PLUGIN_NAME);

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

/** What tells one worker (and its group) from another: the launcher's, or a test cluster's. */
export interface ConnectWorker {
  readonly brokers: readonly string[];
  readonly port: number;
  readonly groupId: string;
  readonly configTopic: string;
  readonly offsetTopic: string;
  readonly statusTopic: string;
  /** Of its internal topics: the cluster's (3 with three brokers). */
  readonly replicationFactor: number;
}

/** The launcher's worker, on the stack's broker(s). */
export function launcherWorker(info: StackInfo): ConnectWorker {
  return {
    brokers: info.kafkaBrokers,
    port: CONNECT.port,
    groupId: CONNECT.groupId,
    configTopic: CONNECT.configTopic,
    offsetTopic: CONNECT.offsetTopic,
    statusTopic: CONNECT.statusTopic,
    replicationFactor: isExternal('kafka') ? 1 : replicationFor(kafkaBrokerCount()).factor,
  };
}

/** Worker settings the launcher (and the relay) rely on; they replace the template's values. null = remove. */
function forcedSettings(w: ConnectWorker): Record<string, string | null> {
  const rf = String(w.replicationFactor);
  return {
    'bootstrap.servers': w.brokers.join(','),
    'group.id': w.groupId,
    listeners: `http://${HOST}:${w.port}`,
    'rest.advertised.host.name': HOST,
    'rest.advertised.port': String(w.port),
    'config.storage.topic': w.configTopic,
    'offset.storage.topic': w.offsetTopic,
    'status.storage.topic': w.statusTopic,
    'config.storage.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    // connectors set their own converters; these are only the worker defaults
    'key.converter': STRING_CONVERTER,
    'value.converter': STRING_CONVERTER,
    'value.converter.schemas.enable': null,
    'offset.flush.interval.ms': String(CONNECT.offsetFlushIntervalMs),
    // The broker's record-batch limit: any outbox row the API can write fits in one request.
    'producer.max.request.size': String(KAFKA.messageMaxBytes),
    'plugin.path': PLUGIN_PATH,
    // KIP-618: connectors with exactly.once.support=required write records + offsets in one transaction
    'exactly.once.source.support': 'enabled',
    // After a kill -9 the new worker cannot join its group until the dead member's session expires
    // (10 s by default). 6 s is the broker's group.min.session.timeout.ms: a faster crash restart.
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    // An exactly-once source task reads its offsets through a consumer of its own, configured by
    // the worker's `consumer.` settings (Worker.exactlyOnceSourceOffsetsConsumerConfigs).
    // Debezium's PostgreSQL task reads its offsets back through it before every LSN flush, on the
    // task thread, between two transactions (PostgresConnectorTask.performCommit). When that
    // read-to-end needs one more fetch (the marker of the transaction just committed is written
    // after EndTxn returns), the broker holds the fetch up to fetch.max.wait.ms (500 ms by
    // default) and the task publishes nothing meanwhile; 50 ms bounds that stall.
    'consumer.fetch.max.wait.ms': '50',
  };
}

function readTemplate(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`[connect] cannot read the template ${file}: ${(err as Error).message}`);
  }
}

/**
 * The template with its ${VAR} placeholders filled in (comment lines are left alone) and the forced
 * settings applied: a key's line is replaced in place, keys the template lacks are appended.
 */
export function renderWorkerProperties(template: string, worker: ConnectWorker): string {
  const vars: Record<string, string> = {
    KAFKA_BROKERS: worker.brokers.join(','),
    CONNECT_GROUP_ID: worker.groupId,
    CONNECT_REST_PORT: String(worker.port),
    CONNECT_PLUGIN_PATH: PLUGIN_PATH,
  };
  const forced = forcedSettings(worker);
  const pending = new Set(Object.keys(forced));
  const out: string[] = [
    `# Generated by infra/src/components/connect.ts on every start from`,
    `# ${path.relative(REPO_ROOT, PROPERTIES_TEMPLATE)}; the launcher's own settings are forced.`,
  ];
  for (const line of template.split('\n')) {
    if (/^\s*([#!]|$)/.test(line)) {
      out.push(line);
      continue;
    }
    const filled = line.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`[connect] ${PROPERTIES_TEMPLATE}: unknown placeholder \${${name}}`);
      return v;
    });
    const key = /^\s*([^=:\s]+)\s*[=:]/.exec(filled)?.[1];
    if (key !== undefined && key in forced) {
      pending.delete(key);
      const v = forced[key];
      if (v !== null && v !== undefined) out.push(`${key}=${v}`);
      continue;
    }
    out.push(filled);
  }
  const extra = [...pending].filter((k) => forced[k] !== null);
  if (extra.length > 0) {
    if (out[out.length - 1] === '') out.pop();
    out.push('', '# set by the launcher (not in the template)', ...extra.map((k) => `${k}=${forced[k]}`), '');
  }
  return out.join('\n');
}

/**
 * Appended to the template's log4j2.properties: RestServer logs every HTTP request at INFO, and the
 * relay and the tests poll the REST API (connector status) all the time.
 */
const LOG4J2_EXTRA = [
  '# added by infra/src/components/connect.ts: one line per REST request otherwise',
  'logger.restrequests.name = org.apache.kafka.connect.runtime.rest.RestServer',
  'logger.restrequests.level = WARN',
  '',
].join('\n');

/** A download interrupted by a kill leaves `<plugin>.tmp-<pid>` next to the plugin: Connect would load it too. */
function removeStaleDownloads(): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(PLUGIN_PATH);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = /\.tmp-(\d+)$/.exec(e);
    if (m?.[1] && !isAlive(Number(m[1]))) fs.rmSync(path.join(PLUGIN_PATH, e), { recursive: true, force: true });
  }
}

async function fetchJars(report: Reporter): Promise<void> {
  removeStaleDownloads();
  // Maven runs these one after the other (shared local repository); both are skipped once complete.
  await Promise.all([
    ensureMavenDeps({
      label: 'connect',
      pom: POM,
      outDir: LIBS,
      properties: { 'kafka.version': CONNECT.kafkaVersion },
      report,
    }),
    ensureMavenDeps({
      label: 'debezium',
      pom: POM,
      outDir: PLUGIN_DIR,
      properties: { plugin: 'debezium', 'debezium.version': CONNECT.debeziumVersion },
      report,
    }),
  ]);
}

/** Write a worker's properties and log4j2 config into `confDir`; returns their paths. */
export function writeWorkerConfig(confDir: string, worker: ConnectWorker): { properties: string; log4j2: string } {
  ensureDir(confDir);
  const files = {
    properties: path.join(confDir, 'connect-distributed.properties'),
    log4j2: path.join(confDir, 'log4j2.properties'),
  };
  fs.writeFileSync(files.properties, renderWorkerProperties(readTemplate(PROPERTIES_TEMPLATE), worker));
  fs.writeFileSync(files.log4j2, readTemplate(LOG4J2_TEMPLATE).trimEnd() + '\n' + LOG4J2_EXTRA);
  return files;
}

async function install(report: Reporter, info: StackInfo): Promise<void> {
  await fetchJars(report);
  writeWorkerConfig(CONF, launcherWorker(info));
}

/** `FILEFLOW_CONNECT_JAVA_OPTS`: extra JVM flags for Connect, for diagnostics (e.g. a java.util.logging config for the PostgreSQL driver). */
function extraJvmFlags(): string[] {
  return (process.env.FILEFLOW_CONNECT_JAVA_OPTS ?? '').split(/\s+/).filter((f) => f !== '');
}

/** The worker's command line (its jars must be fetched: `connectComponent().prefetch`). */
export function connectWorkerCommand(files: { properties: string; log4j2: string }, gcLog: string): string[] {
  return [
    ...CONNECT.jvm,
    ...jvmFlags(gcLog),
    ...extraJvmFlags(),
    `-Dlog4j2.configurationFile=${files.log4j2}`,
    '-cp',
    path.join(LIBS, '*'),
    'org.apache.kafka.connect.cli.ConnectDistributed',
    files.properties,
  ];
}

async function spawnConnect(): Promise<number> {
  return spawnDetached({
    name: 'connect',
    command: javaCommand(),
    args: connectWorkerCommand({ properties: PROPERTIES, log4j2: LOG4J2 }, logFile('connect-gc')),
    logFile: LOG,
    marker: PROPERTIES,
  });
}

export function connectComponent(): LocalComponent {
  return {
    name: 'connect',
    description: `Kafka Connect ${CONNECT.kafkaVersion} + Debezium PostgreSQL ${CONNECT.debeziumVersion} (Maven jars)`,
    ports: [CONNECT.port],
    logFile: LOG,
    marker: PROPERTIES,
    readyTimeoutMs: TIMEOUTS.connect,
    prefetch: fetchJars,
    install,
    spawn: spawnConnect,
    probe: (info) => probeConnect(info.kafkaConnectUrl),
    // the worker creates its internal topics itself; connectors are registered by the relay
    setup: () => Promise.resolve(),
    stop: (pid: number): Promise<StopResult> => stopProcess(pid, TIMEOUTS.stop),
  };
}
