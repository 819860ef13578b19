import type { Kafka } from 'kafkajs';
import pg from 'pg';
import {
  DatabaseSetup,
  getDisabledLogger,
  initializePollingMessageListener,
  type GeneralMessageHandler,
  type TransactionalMessage,
} from 'pg-transactional-outbox';
import { producerSettings, silentLogger } from '@fileflow/common';
import { createDb, takeOutboxBatchQuery } from '@fileflow/db';
import { createRelay, openRelayDb } from '@fileflow/outbox-relay';
import { startTestDebeziumRelay } from '@fileflow/outbox-relay/src/testing';
import type { TestEnv } from '@fileflow/testkit';
import { sleep } from './measure';

export interface DrainResult {
  readonly relay: string;
  readonly rows: number;
  /** Rows that reached Kafka within the time limit. */
  readonly published: number;
  readonly seconds: number;
  readonly rate: number;
  readonly finished: boolean;
  readonly note: string;
  /** Why this relay could not run here (e.g. no Go toolchain for a peer); its figures are then empty. */
  readonly notRun?: string;
}

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** `n` committed outbox rows shaped like the API's `file.create` rows, in one statement. */
export async function insertOutboxBacklog(env: TestEnv, n: number): Promise<void> {
  await withClient(env.databaseUrl, async (c) => {
    await c.query(
      `INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, traceparent)
       SELECT gen_random_uuid(), 'file', g::text, 'file.create', $1,
              jsonb_build_object('fileId', g, 'title', 'backlog file ' || g, 'description', 'benchmark row',
                                 'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
              $3
       FROM generate_series(1, $2::int) g`,
      [env.topics.fileCreate, n, traceparent],
    );
    await c.query('ANALYZE outbox');
  });
}

/** Records on `topic` (sum over partitions of the high watermark; the topic is fresh). */
export async function topicCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function waitForTopic(
  env: TestEnv,
  n: number,
  started: number,
  timeoutMs: number,
): Promise<{ published: number; seconds: number }> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    let published = 0;
    while (Date.now() - started < timeoutMs) {
      const offsets = await admin.fetchTopicOffsets(env.topics.fileCreate);
      published = offsets.reduce((sum, p) => sum + Number(p.high), 0);
      if (published >= n) break;
      await sleep(100);
    }
    return { published, seconds: (Date.now() - started) / 1000 };
  } finally {
    await admin.disconnect();
  }
}

/** EXPLAIN ANALYZE of the relay's batch query on the backlog (rolled back: it deletes rows). */
export async function explainClaim(env: TestEnv, limit: number): Promise<string> {
  const db = createDb(env.databaseUrl, 1);
  const query = takeOutboxBatchQuery({ rows: limit, bytes: Number.MAX_SAFE_INTEGER }).compile(db);
  await db.destroy();
  return withClient(env.databaseUrl, async (c) => {
    await c.query('BEGIN');
    try {
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.sql}`, [
        ...query.parameters,
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

/** The polling relay (`createRelay`, the service's code), batch after batch until the outbox is empty. */
export async function drainPolling(
  env: TestEnv,
  o: { rows: number; batchSize: number; timeoutMs: number },
): Promise<DrainResult> {
  const db = openRelayDb(env.databaseUrl); // as the relay process opens it
  const producer = env.kafka.producer(producerSettings);
  await producer.connect();
  const relay = createRelay({
    db,
    producer,
    logger: silentLogger,
    batchSize: o.batchSize,
    pollIntervalMs: 1000,
    errorBackoff: { attempts: Infinity, initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
  });
  let moved = 0;
  const started = Date.now();
  try {
    while (Date.now() - started < o.timeoutMs) {
      const n = await relay.drainOnce();
      moved += n;
      if (n === 0) break;
    }
    const seconds = (Date.now() - started) / 1000;
    const published = await topicCount(env.kafka, env.topics.fileCreate);
    return {
      relay: `polling relay (createRelay, batch ${o.batchSize})`,
      rows: o.rows,
      published,
      seconds,
      rate: moved / seconds,
      finished: moved >= o.rows,
      note: `drainOnce in a loop; ${published} records on the topic`,
    };
  } finally {
    await producer.disconnect();
    await db.destroy();
  }
}

/** Debezium registered after the backlog was written: its initial snapshot publishes it. */
export async function drainDebezium(env: TestEnv, o: { rows: number; timeoutMs: number }): Promise<DrainResult> {
  const started = Date.now();
  const debezium = await startTestDebeziumRelay(env, silentLogger);
  const registeredMs = Date.now() - started;
  try {
    const { published, seconds } = await waitForTopic(env, o.rows, started, o.timeoutMs);
    return {
      relay: 'Debezium 3.7.0 (initial snapshot, Outbox Event Router)',
      rows: o.rows,
      published,
      seconds,
      rate: published / seconds,
      finished: published >= o.rows,
      note: `clock starts before the connector is registered (registration took ${registeredMs} ms)`,
    };
  } finally {
    await debezium.stop();
  }
}

/**
 * The peer: pg-transactional-outbox's polling listener over its own outbox table, its handler
 * sending each message with the same kafkajs producer settings (acks=all).
 */
export async function drainPeer(
  env: TestEnv,
  o: { rows: number; batchSize: number; timeoutMs: number },
): Promise<DrainResult> {
  const setup = {
    outboxOrInbox: 'outbox' as const,
    database: env.databaseName,
    schema: 'public',
    table: 'peer_outbox',
    listenerRole: 'unused',
    nextMessagesName: 'next_peer_outbox_messages',
  };
  let claimMs = NaN;
  await withClient(env.databaseUrl, async (c) => {
    await c.query(DatabaseSetup.dropAndCreateTable(setup));
    await c.query(DatabaseSetup.createPollingFunction(setup));
    await c.query(DatabaseSetup.setupPollingIndexes(setup));
    // segment = the file id: the peer's per-segment ordering, the same guarantee as ours (per file).
    await c.query(
      `INSERT INTO peer_outbox (id, aggregate_type, aggregate_id, message_type, segment, concurrency, payload, metadata)
       SELECT gen_random_uuid(), 'file', g::text, 'file.create', g::text, 'sequential',
              jsonb_build_object('fileId', g, 'title', 'backlog file ' || g, 'description', 'benchmark row'),
              jsonb_build_object('traceparent', $2::text)
       FROM generate_series(1, $1::int) g`,
      [o.rows, traceparent],
    );
    await c.query('ANALYZE peer_outbox');
    // How long the peer's claim function takes on the full backlog (rolled back: it locks rows).
    await c.query('BEGIN');
    const t = performance.now();
    await c.query('SELECT count(*) FROM next_peer_outbox_messages($1, 5000)', [o.batchSize]);
    claimMs = performance.now() - t;
    await c.query('ROLLBACK');
  });
  const producer = env.kafka.producer(producerSettings);
  await producer.connect();
  const handler: GeneralMessageHandler = {
    handle: async (m: TransactionalMessage) => {
      await producer.send({
        topic: env.topics.fileCreate,
        acks: -1,
        messages: [
          {
            key: m.aggregateId,
            value: JSON.stringify(m.payload),
            headers: { id: m.id, type: m.messageType, traceparent },
          },
        ],
      });
    },
  };
  const started = Date.now();
  const [shutdown] = initializePollingMessageListener(
    {
      outboxOrInbox: 'outbox',
      dbListenerConfig: { connectionString: env.databaseUrl },
      dbHandlerConfig: { connectionString: env.databaseUrl },
      settings: {
        dbSchema: 'public',
        dbTable: 'peer_outbox',
        enableMaxAttemptsProtection: false,
        enablePoisonousMessageProtection: false,
        nextMessagesFunctionName: 'next_peer_outbox_messages',
        nextMessagesBatchSize: o.batchSize,
        nextMessagesPollingIntervalInMs: 50,
        messageCleanupIntervalInMs: 3_600_000,
      },
    },
    handler,
    getDisabledLogger(),
    // The default strategy takes batches of one for the first `batchSize` polls (its poison
    // protection); a backlog drain is its steady state, so use the full batch from the start.
    { batchSizeStrategy: () => Promise.resolve(o.batchSize) },
  );
  try {
    let processed = 0;
    await withClient(env.databaseUrl, async (c) => {
      while (Date.now() - started < o.timeoutMs) {
        const { rows } = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM peer_outbox WHERE processed_at IS NOT NULL',
        );
        processed = Number(rows[0]?.n ?? 0);
        if (processed >= o.rows) break;
        await sleep(250);
      }
    });
    const seconds = (Date.now() - started) / 1000;
    const published = await topicCount(env.kafka, env.topics.fileCreate);
    return {
      relay: `pg-transactional-outbox 0.5.7 (polling listener, batch ${o.batchSize}) -> kafkajs`,
      rows: o.rows,
      published,
      seconds,
      rate: processed / seconds,
      finished: processed >= o.rows,
      note: `${processed} rows marked processed, ${published} records on the topic; one call of its claim function on the full backlog: ${Math.round(claimMs)} ms`,
    };
  } finally {
    await shutdown();
    await producer.disconnect();
  }
}
