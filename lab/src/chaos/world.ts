import { join, resolve } from 'node:path';
import { collectFacts, expectedContents, judge, type AuditReport } from '@fileflow/ops';
import { removeConnectorAtCleanup } from '@fileflow/outbox-relay/src/testing';
import { consumerLag, createTestEnv, eventually, freePort, stackSettings, type TestEnv } from '@fileflow/testkit';
import type { RelayMode } from '../harness';
import { ServiceProcess, type ServiceKind } from './service-process';

export type { RelayMode } from '../harness';

/** One isolated system for a scenario: its own database, topics, groups and prefix, real processes. */
export interface World {
  readonly name: string;
  readonly relayMode: RelayMode;
  readonly env: TestEnv;
  readonly api: ServiceProcess;
  readonly relay: ServiceProcess;
  readonly processor: ServiceProcess;
  readonly logDir: string;
  /**
   * Another process of `kind` (instance 2, 3, ...: its own Kafka client id and INSTANCE_ID, the
   * same groups), not started; stopped and killed with the others. An API instance shares the
   * first one's port when the world was made with `sharedApiPort`, else it gets its own.
   */
  addInstance(kind: ServiceKind): Promise<ServiceProcess>;
  /** Every process of the world: the first of each service, then those added. */
  services(): readonly ServiceProcess[];
  baseUrl(): Promise<string>;
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
  dispose(): Promise<void>;
  /** Run `fn` when the world is disposed (after its services are gone). */
  onDispose(fn: () => Promise<void>): void;
}

/**
 * The processor's upload retries in the suite: a few quick tries in place, then the retry topic
 * for up to `budgetMs` (the service's default is longer; this keeps the S3 scenarios short).
 */
export const uploadBudget = {
  attempts: 3,
  initialMs: 100,
  maxMs: 400,
  budgetMs: 45_000,
  topicInitialMs: 500,
  topicMaxMs: 4_000,
};

/** The processor's environment for `uploadBudget` (or a shorter `budgetMs`). */
export const uploadBudgetEnv = (budgetMs = uploadBudget.budgetMs): NodeJS.ProcessEnv => ({
  S3_UPLOAD_ATTEMPTS: String(uploadBudget.attempts),
  S3_RETRY_INITIAL_MS: String(uploadBudget.initialMs),
  S3_RETRY_MAX_MS: String(uploadBudget.maxMs),
  S3_UPLOAD_BUDGET_MS: String(budgetMs),
  S3_RETRY_TOPIC_INITIAL_MS: String(uploadBudget.topicInitialMs),
  S3_RETRY_TOPIC_MAX_MS: String(uploadBudget.topicMaxMs),
});

/** The API key pepper of every world's API (a test value, never a deployment's). */
export const worldApiKeyPepper = 'fileflow-world-pepper-'.padEnd(48, '0');

/** Another Kafka (and Kafka Connect) than the shared stack's, e.g. a scenario's own cluster. */
export interface WorldKafka {
  readonly brokers: readonly string[];
  /** Of the world's topics (the cluster's own topics follow its broker defaults). */
  readonly replicationFactor: number;
  /** Its Kafka Connect worker, for Debezium mode. */
  readonly connectUrl?: string;
}

/**
 * The environment of one service of a world. Instance 2 and up get their own Kafka client id
 * and share the consumer groups, as several instances of a service do.
 */
export function worldServiceEnv(
  env: TestEnv,
  relayMode: RelayMode,
  kind: ServiceKind,
  instance = 1,
  kafka?: WorldKafka,
): NodeJS.ProcessEnv {
  const connectUrl = kafka?.connectUrl ?? stackSettings.connectUrl;
  const base: NodeJS.ProcessEnv = {
    DATABASE_URL: env.databaseUrl,
    KAFKA_BROKERS: (kafka?.brokers ?? stackSettings.kafkaBrokers).join(','),
    TOPIC_SUFFIX: env.id,
    AWS_ENDPOINT: stackSettings.s3.endpoint,
    AWS_REGION: stackSettings.s3.region,
    AWS_ACCESS_KEY_ID: stackSettings.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stackSettings.s3.secretAccessKey,
    S3_BUCKET: env.bucket,
    S3_KEY_PREFIX: env.keyPrefix,
    LOG_LEVEL: 'info',
    FAULT_CRASH_AT: '',
    RELAY_MODE: relayMode,
    KAFKA_CONNECT_URL: connectUrl,
    REDIS_URL: stackSettings.redisUrl,
    REDIS_KEY_PREFIX: env.redisKeyPrefix,
    API_KEY_PEPPER: worldApiKeyPepper,
    // The suite and the benchmark measure the pipeline, not the limiter: no limit unless a part asks.
    RATE_LIMIT_REQUESTS: '0',
  };
  const clientId = (prefix: string) => `${prefix}-${env.id}${instance > 1 ? `-${instance}` : ''}`;
  switch (kind) {
    case 'api':
      return { ...base, KAFKA_CLIENT_ID: clientId('api'), KAFKA_GROUP_ID: env.groupIds.status };
    case 'outbox-relay':
      return { ...base, KAFKA_CLIENT_ID: clientId('relay'), RELAY_POLL_INTERVAL_MS: '500' };
    case 'file-processor':
      return {
        ...base,
        KAFKA_CLIENT_ID: clientId('processor'),
        KAFKA_GROUP_ID: env.groupIds.processor,
        ...uploadBudgetEnv(),
      };
  }
}

/** The folder of a world's service logs. */
export function worldLogDir(name: string, relayMode: RelayMode, env: TestEnv): string {
  return resolve(__dirname, '../../../.stack/logs/chaos', `${name}-${relayMode}-${env.id}`);
}

/** How a world is made (see `createWorld`). */
export interface WorldOptions {
  /** Partitions of each topic (default 3). */
  readonly partitions?: number;
  /** Another Kafka than the shared stack's (a scenario's own cluster). */
  readonly kafka?: WorldKafka;
  /** API instances share one port (HTTP_REUSE_PORT), each answering health on an ADMIN_PORT of its own. */
  readonly sharedApiPort?: boolean;
}

/** A world with one process of each service (not started). */
export async function createWorld(
  name: string,
  relayMode: RelayMode = 'polling',
  opts: WorldOptions = {},
): Promise<World> {
  const { kafka } = opts;
  const env = await createTestEnv(`chaos${name}`, {
    partitions: opts.partitions,
    kafkaBrokers: kafka?.brokers,
    replicationFactor: kafka?.replicationFactor,
  });
  const connectUrl = kafka?.connectUrl ?? stackSettings.connectUrl;
  const logDir = worldLogDir(name, relayMode, env);
  if (relayMode === 'debezium') {
    // The relay process registers a connector (and slot) for this database.
    removeConnectorAtCleanup(env, connectUrl);
  }
  const counts: Record<ServiceKind, number> = { api: 0, 'outbox-relay': 0, 'file-processor': 0 };
  let apiPort: number | undefined;
  const service = async (kind: ServiceKind) => {
    counts[kind] += 1;
    const n = counts[kind];
    const shared = kind === 'api' && opts.sharedApiPort;
    const extra: NodeJS.ProcessEnv = shared
      ? { HTTP_REUSE_PORT: 'true', ADMIN_PORT: String(await freePort()), INSTANCE_ID: `api-${n}` }
      : { INSTANCE_ID: `${kind}-${n}` };
    const proc = new ServiceProcess(
      kind,
      { ...worldServiceEnv(env, relayMode, kind, n, kafka), ...extra },
      n === 1 ? logDir : join(logDir, `${kind}-${n}`),
      shared ? apiPort : undefined,
    );
    if (shared) apiPort ??= await proc.port;
    return proc;
  };
  const api = await service('api');
  const relay = await service('outbox-relay');
  const processor = await service('file-processor');
  const all = [api, relay, processor];
  const disposers: Array<() => Promise<void>> = [];
  return {
    name,
    relayMode,
    env,
    api,
    relay,
    processor,
    logDir: join(logDir),
    services: () => [...all],
    async addInstance(kind) {
      const proc = await service(kind);
      all.push(proc);
      return proc;
    },
    baseUrl: async () => `http://127.0.0.1:${await api.port}`,
    async startAll() {
      await Promise.all(all.map((s) => s.start()));
    },
    async stopAll() {
      await Promise.all(all.map((s) => s.stop()));
    },
    async dispose() {
      await Promise.all(all.map((s) => s.kill('SIGKILL')));
      for (const fn of disposers) await fn();
      await env.cleanup();
    },
    onDispose(fn) {
      disposers.push(fn);
    },
  };
}

/**
 * Wait until every accepted file is terminal, every deletion asked for is done, the outbox is
 * empty and every consumer group has committed past every record (so nothing is still on its way,
 * e.g. a deletion asked for again after a late upload); resolves with when.
 */
export async function waitForQuiescence(
  world: World,
  accepted: readonly number[],
  timeoutMs = 120_000,
): Promise<number> {
  const { env } = world;
  const groups = [
    { groupId: env.groupIds.processor, topic: env.topics.fileCreate, transactional: world.relayMode === 'debezium' },
    { groupId: `${env.groupIds.processor}.retry`, topic: env.topics.fileCreateRetry },
    { groupId: env.groupIds.status, topic: env.topics.fileProcessing },
    { groupId: env.groupIds.status, topic: env.topics.fileCreated },
  ];
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const open = await env.db
          .selectFrom('files')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', 'in', ['pending', 'processing'])
          .executeTakeFirstOrThrow();
        const deleting = await env.db
          .selectFrom('files')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('deletion_requested_at', 'is not', null)
          .where('status', '!=', 'expired')
          .executeTakeFirstOrThrow();
        const outbox = await env.db.selectFrom('outbox').select('id').limit(1).execute();
        const known = accepted.length
          ? await env.db
              .selectFrom('files')
              .select('id')
              .where('id', 'in', [...accepted])
              .execute()
          : [];
        const lag = await consumerLag(admin, groups);
        if (
          Number(open.n) > 0 ||
          Number(deleting.n) > 0 ||
          outbox.length > 0 ||
          known.length !== accepted.length ||
          lag > 0
        ) {
          throw new Error(
            `not quiescent: ${String(open.n)} files open, ${String(deleting.n)} deletions under way, ` +
              `outbox ${outbox.length ? 'not ' : ''}empty, ${lag} records not yet consumed`,
          );
        }
      },
      { timeoutMs, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect();
  }
  return Date.now();
}

/** The invariant audit over this world. */
export async function auditWorld(world: World): Promise<AuditReport> {
  const facts = await collectFacts({
    db: world.env.db,
    s3: world.env.s3,
    bucket: world.env.bucket,
    keyPrefix: world.env.keyPrefix,
    kafka: { client: world.env.kafka, topics: world.env.topics },
  });
  const expected = await expectedContents(facts);
  return judge(facts, { maxNonTerminalAgeMs: 10 * 60_000, maxOutboxAgeMs: 10 * 60_000 }, (f) => expected.get(f.id));
}
