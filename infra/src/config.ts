/**
 * Fixed settings of the local stack: ports, credentials, versions, topics.
 * Everything binds to 127.0.0.1 only.
 */
import { kafkaBrokerCount } from './kafka-brokers';

export const HOST = '127.0.0.1';

/** `kafka-2` and `kafka-3` run only with three brokers (`up --kafka-brokers 3`, see kafka-brokers.ts). */
export type ComponentName = 'postgres' | 'kafka' | 'kafka-2' | 'kafka-3' | 's3' | 'redis' | 'connect' | 'prometheus';
export type ServiceName = 'api' | 'outbox-relay' | 'file-processor';
export type ProcessName = ComponentName | ServiceName;
/** One running copy of a service: the service's own name for instance 1, `<service>.<k>` for instance k > 1. */
export type InstanceName = ServiceName | `${ServiceName}.${number}`;
/** Whatever has a pid file and a log: a component or a service instance. */
export type RunName = ComponentName | InstanceName;

/** All components; `connect` (Kafka Connect + Debezium) is optional and starts only when asked for. */
export const COMPONENT_NAMES: readonly ComponentName[] = [
  'postgres',
  'kafka',
  'kafka-2',
  'kafka-3',
  's3',
  'redis',
  'connect',
  'prometheus',
];
/** What `up` always starts (and `kafka-2`, `kafka-3` with three brokers). */
export const CORE_COMPONENT_NAMES: readonly ComponentName[] = ['postgres', 'kafka', 's3', 'redis'];
export const SERVICE_NAMES: readonly ServiceName[] = ['api', 'outbox-relay', 'file-processor'];

export const POSTGRES = {
  port: 5432,
  user: 'user',
  password: 'password',
  database: 'filedb',
  /** Server settings (postgres -c ...); wal_level=logical etc. are needed by Debezium later. */
  settings: [
    'wal_level=logical',
    'max_replication_slots=10',
    'max_wal_senders=10',
    'max_connections=300',
    'max_slot_wal_keep_size=1GB',
    // pg_xact_commit_timestamp(): the benchmark's exact commit -> published latency.
    'track_commit_timestamp=on',
  ],
} as const;

export const KAFKA = {
  /** Maven version of org.apache.kafka:kafka_2.13 (override: FILEFLOW_KAFKA_VERSION). */
  version: process.env.FILEFLOW_KAFKA_VERSION ?? '4.3.1',
  port: 9092,
  controllerPort: 9093,
  /**
   * A second listener for network-fault tests: the broker listens on `faultyPort` but
   * advertises `faultyProxyPort`, so a client that bootstraps through a proxy on that port
   * keeps talking through the proxy (where latency and resets are injected).
   */
  faultyPort: 9094,
  faultyProxyPort: 9095,
  /** Partitions of the pipeline's topics unless FILEFLOW_KAFKA_PARTITIONS says (see kafkaPartitions). */
  defaultPartitions: 3,
  /** With three brokers, node i listens on `port` and `controllerPort` plus (i - 1) times this. */
  nodePortStep: 100,
  /**
   * The largest record batch the broker takes (`message.max.bytes`, Kafka's default written out)
   * and the largest request (`socket.request.max.bytes`). The polling relay reads the former from
   * the broker and sizes its batches under it; Kafka Connect's producer gets the same as its
   * `max.request.size`. Keep docker-compose's KAFKA_MESSAGE_MAX_BYTES and
   * CONNECT_PRODUCER_MAX_REQUEST_SIZE equal to these.
   */
  messageMaxBytes: 1_048_588,
  socketRequestMaxBytes: 104_857_600,
  topics: ['file.create', 'file.created', 'file.processing', 'file.create.retry'],
  /** Used only by the launcher's produce/consume readiness round trip. */
  healthTopic: 'fileflow.infra.healthcheck',
  healthGroup: 'fileflow-infra-healthcheck',
  /**
   * Heap and collector: Kafka's own defaults (kafka-run-class.sh: G1, 20 ms pause goal, marking
   * from 35 % occupancy) on a fixed 512 MB heap. G1 on a fixed heap: a broker pause stalls the
   * whole pipeline.
   */
  jvm: ['-Xms512m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35'],
} as const;

/** The most partitions a topic of the stack may be given. */
export const MAX_PARTITIONS = 1_000;

/**
 * Partitions of the pipeline's topics (and the broker's `num.partitions`): FILEFLOW_KAFKA_PARTITIONS,
 * or 3. Only new topics get them: an existing topic is never given more (see partitionShortfalls).
 */
export function kafkaPartitions(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FILEFLOW_KAFKA_PARTITIONS;
  if (raw === undefined || raw === '') return KAFKA.defaultPartitions;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PARTITIONS)) {
    throw new Error(`FILEFLOW_KAFKA_PARTITIONS: expected a whole number from 1 to ${MAX_PARTITIONS}, got "${raw}"`);
  }
  return n;
}

/** Kafka node `nodeId`'s client and controller ports (node 1: the single broker's). */
export function kafkaNodePorts(nodeId: number): { port: number; controllerPort: number } {
  const shift = (nodeId - 1) * KAFKA.nodePortStep;
  return { port: KAFKA.port + shift, controllerPort: KAFKA.controllerPort + shift };
}

/** The brokers' client addresses (what KAFKA_BROKERS lists). */
export const kafkaBrokerAddresses = (count: number = kafkaBrokerCount()): string[] =>
  Array.from({ length: count }, (_, i) => `${HOST}:${kafkaNodePorts(i + 1).port}`);

/** Prometheus, optional: built from the Go module proxy on first use (see components/prometheus.ts). */
export const PROMETHEUS = {
  module: 'github.com/prometheus/prometheus',
  version: 'v0.316.0',
  port: 9090,
} as const;

/** Redis: the API's shared rate-limit counters and its cache of files (Debian's redis-server). */
export const REDIS = {
  port: 6379,
  /** A cache and counters: nothing to keep across restarts, so no snapshots and no append-only file. */
  maxMemory: '128mb',
} as const;

export const S3 = {
  /** Maven version of org.gaul:s3proxy (jar-with-dependencies). */
  s3proxyVersion: '4.1.0',
  port: 4566,
  bucket: 'file-storage-bucket',
  region: 'us-east-1',
  accessKeyId: 'test',
  secretAccessKey: 'test',
  /**
   * Fixed heap: a large young generation from the start, so request garbage dies young.
   */
  jvm: ['-Xms256m', '-Xmx256m', '-XX:+UseSerialGC'],
} as const;

/**
 * Kafka Connect (distributed mode, one worker) with the Debezium PostgreSQL connector plugin, for
 * RELAY_MODE=debezium. Classpaths come from outbox-relay/debezium/pom.xml (see
 * outbox-relay/debezium/README.md).
 */
export const CONNECT = {
  /** Maven version of org.apache.kafka:connect-runtime; Debezium 3.7.0 is built against 4.3.1. */
  kafkaVersion: '4.3.1',
  debeziumVersion: '3.7.0.Final',
  port: 8083,
  groupId: 'fileflow-connect',
  /** Internal topics: connector configs, source offsets (the slot LSN), status. */
  configTopic: 'fileflow-connect-configs',
  offsetTopic: 'fileflow-connect-offsets',
  statusTopic: 'fileflow-connect-status',
  offsetFlushIntervalMs: 1000,
  postgresConnectorClass: 'io.debezium.connector.postgresql.PostgresConnector',
  /**
   * Fixed heap, as for S3Proxy.
   */
  jvm: ['-Xms384m', '-Xmx384m', '-XX:+UseSerialGC'],
} as const;

/**
 * Node flags of every service process (api, outbox-relay, file-processor), however it is started:
 * the launcher, the test and benchmark harness (lab's ServiceProcess), docker-compose (as
 * NODE_OPTIONS). Without a limit V8 lets the old generation grow to several times what is alive,
 * and Node 24's V8 sizes the young generation far larger than these services' short-lived garbage
 * needs; the two limits keep each service under the 256 MB RSS target (docs/benchmarks.md).
 */
export const SERVICE_NODE_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=8'] as const;

/**
 * Whether `up` / ensureStack should also start Kafka Connect: an explicit true/false wins, otherwise
 * it is wanted when RELAY_MODE=debezium (the relay then needs Connect).
 */
export function connectWanted(explicit?: boolean): boolean {
  return explicit ?? process.env.RELAY_MODE === 'debezium';
}

/**
 * Flags every stack JVM gets beside its own heap and collector (`jvm` of each component). The JIT
 * is the default tiered one: a C1-only JIT (`-XX:TieredStopAtLevel=1`) starts a little faster,
 * but once warm Kafka and S3Proxy spend clearly more CPU per record and per PUT under it, and on
 * two cores that CPU is end-to-end latency (docs/benchmarks.md, "What moved each number").
 */
export const JVM_COMMON_FLAGS = ['-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'] as const;

/**
 * `JVM_COMMON_FLAGS` plus a log of every GC pause and safepoint in `gcLog` (two files of 5 MB at most), so a
 * stall seen from outside (a benchmark's late records, a failure scenario) can be matched
 * against the JVMs' pauses.
 */
export function jvmFlags(gcLog: string): string[] {
  return [...JVM_COMMON_FLAGS, `-Xlog:gc,safepoint:file=${gcLog}:time,uptime:filecount=2,filesize=5m`];
}

/** Readiness timeouts (ms). Multiplied by FILEFLOW_TIMEOUT_FACTOR for slow machines. */
const factor = Number(process.env.FILEFLOW_TIMEOUT_FACTOR ?? '1') || 1;
export const TIMEOUTS = {
  postgres: 60_000 * factor,
  kafka: 120_000 * factor,
  s3: 60_000 * factor,
  connect: 90_000 * factor,
  redis: 30_000 * factor,
  prometheus: 60_000 * factor,
  service: 90_000 * factor,
  stop: 30_000 * factor,
  serviceStop: 15_000 * factor,
} as const;

/** Connection settings of the stack (local or external). */
export interface StackInfo {
  databaseUrl: string;
  kafkaBrokers: string[];
  s3Endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Kafka Connect REST API (only there when Connect was started, see `connect` in ensureStack). */
  kafkaConnectUrl: string;
  redisUrl: string;
}

/**
 * Components listed in FILEFLOW_EXTERNAL (comma-separated, or "all") are not started by the launcher:
 * their endpoints come from DATABASE_URL / KAFKA_BROKERS / AWS_ENDPOINT / KAFKA_CONNECT_URL and the
 * launcher only waits for them and creates the database objects it needs (topics, bucket).
 * FILEFLOW_EXTERNAL_STACK=1 (used by the test harness) means the same as FILEFLOW_EXTERNAL=all.
 */
export function externalComponents(): Set<ComponentName> {
  if (process.env.FILEFLOW_EXTERNAL_STACK === '1') return new Set(COMPONENT_NAMES);
  const raw = (process.env.FILEFLOW_EXTERNAL ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw.includes('all')) return new Set(COMPONENT_NAMES);
  const out = new Set<ComponentName>();
  for (const r of raw) {
    if ((COMPONENT_NAMES as readonly string[]).includes(r)) out.add(r as ComponentName);
    else
      throw new Error(`FILEFLOW_EXTERNAL: unknown component "${r}" (use postgres, kafka, s3, redis, connect or all)`);
  }
  // an external Kafka is all of it, however many brokers
  if (out.has('kafka')) for (const n of ['kafka-2', 'kafka-3'] as const) out.add(n);
  return out;
}

export function isExternal(name: ComponentName): boolean {
  return externalComponents().has(name);
}

function requireEnv(name: string, component: ComponentName): string {
  const v = process.env[name];
  if (!v) throw new Error(`FILEFLOW_EXTERNAL includes ${component} but ${name} is not set`);
  return v;
}

export function localStackInfo(): StackInfo {
  return {
    databaseUrl: `postgresql://${POSTGRES.user}:${POSTGRES.password}@${HOST}:${POSTGRES.port}/${POSTGRES.database}`,
    kafkaBrokers: kafkaBrokerAddresses(),
    s3Endpoint: `http://${HOST}:${S3.port}`,
    bucket: S3.bucket,
    region: S3.region,
    credentials: { accessKeyId: S3.accessKeyId, secretAccessKey: S3.secretAccessKey },
    kafkaConnectUrl: `http://${HOST}:${CONNECT.port}`,
    redisUrl: `redis://${HOST}:${REDIS.port}`,
  };
}

/** Effective connection settings: local defaults, replaced by env for external components. */
export function stackInfo(): StackInfo {
  const info = localStackInfo();
  const ext = externalComponents();
  if (ext.has('postgres')) info.databaseUrl = requireEnv('DATABASE_URL', 'postgres');
  if (ext.has('kafka')) {
    info.kafkaBrokers = requireEnv('KAFKA_BROKERS', 'kafka')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (ext.has('s3')) {
    info.s3Endpoint = requireEnv('AWS_ENDPOINT', 's3');
    info.bucket = process.env.S3_BUCKET ?? info.bucket;
    info.region = process.env.AWS_REGION ?? info.region;
    info.credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? info.credentials.accessKeyId,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? info.credentials.secretAccessKey,
    };
  }
  if (ext.has('redis')) info.redisUrl = process.env.REDIS_URL ?? '';
  // not required: FILEFLOW_EXTERNAL=all must keep working without Connect
  if (ext.has('connect')) info.kafkaConnectUrl = process.env.KAFKA_CONNECT_URL ?? info.kafkaConnectUrl;
  return info;
}
