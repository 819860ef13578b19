import type { Express } from 'express';
import type { AppDeps, FileCache, StatusConsumer } from '@fileflow/api';
import { startTestApi } from '@fileflow/api/src/testing';
import type { S3Client } from '@aws-sdk/client-s3';
import { createLogger, producerSettings, silentLogger, type Logger, type RetryBudget } from '@fileflow/common';
import { createFileRequestConsumer, type FileRequestConsumer } from '@fileflow/file-processor';
import { createOutboxListener, createRelay, type Relay, type RelayMode } from '@fileflow/outbox-relay';
import { startTestDebeziumRelay } from '@fileflow/outbox-relay/src/testing';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';

/** The whole system wired in-process against the real stack, for one test env. */
export interface Pipeline {
  readonly app: Express;
  readonly relay: Relay;
  readonly processor: FileRequestConsumer;
  readonly statusConsumer: StatusConsumer;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  readonly logger?: Logger;
  readonly relay?: boolean;
  /** Which relay publishes the outbox (default: RELAY_MODE, else polling). */
  readonly relayMode?: RelayMode;
  readonly processor?: boolean;
  readonly statusConsumer?: boolean;
  readonly uploadAttempts?: number;
  /** Bucket the processor writes to (default: the env's). */
  readonly bucket?: string;
  /** How the processor waits between upload attempts (tests can hold it there). */
  readonly uploadSleep?: (ms: number) => Promise<void>;
  /** The processor's retry budget (default: 20 s, rounds 100 ms .. 1 s apart). */
  readonly retryBudget?: RetryBudget;
  /** The processor's S3 client (default: the env's), e.g. one behind a fault-injecting proxy. */
  readonly s3?: S3Client;
  /** The file cache the API and its status consumer share (default: none). */
  readonly cache?: FileCache;
  /** More of the app's dependencies: keys, a rate limit (default: none). */
  readonly app?: Partial<AppDeps>;
}

export type { RelayMode } from '@fileflow/outbox-relay';

/** The relay mode tests use unless they say otherwise: `RELAY_MODE=debezium npm test` runs them all on Debezium. */
export const defaultRelayMode: RelayMode = process.env.RELAY_MODE === 'debezium' ? 'debezium' : 'polling';

const testLogger = () => (process.env.TEST_LOG ? createLogger('test', 'debug') : silentLogger);

export async function startPipeline(env: TestEnv, opts: PipelineOptions = {}): Promise<Pipeline> {
  const logger = opts.logger ?? testLogger();

  const producer = env.kafka.producer(producerSettings); // as the relay service's
  const relay = createRelay({
    db: env.db,
    producer,
    logger,
    batchSize: 500,
    pollIntervalMs: 1_000,
    lingerMs: 8, // the service's default (RELAY_LINGER_MS)
    errorBackoff: { attempts: Infinity, initialDelayMs: 50, maxDelayMs: 1_000, factor: 2 },
  });
  const listener = createOutboxListener(env.databaseUrl, () => relay.notify(), logger);

  const processor = createFileRequestConsumer({
    kafka: env.kafka,
    s3: opts.s3 ?? env.s3,
    bucket: opts.bucket ?? env.bucket,
    keyPrefix: env.keyPrefix,
    topics: env.topics,
    groupId: env.groupIds.processor,
    uploadRetry: { attempts: opts.uploadAttempts ?? 3, initialDelayMs: 50, maxDelayMs: 500, factor: 2 },
    retryBudget: opts.retryBudget ?? { budgetMs: 20_000, initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 },
    uploadConcurrency: 16,
    now: () => new Date(),
    logger,
    ...(opts.uploadSleep ? { sleep: opts.uploadSleep } : {}),
  });
  const api = await startTestApi(env, {
    logger,
    statusConsumer: opts.statusConsumer !== false,
    ...(opts.cache ? { cache: opts.cache } : {}),
    ...(opts.app ? { app: opts.app } : {}),
  });

  const started: Array<() => Promise<void>> = [];
  const relayMode = opts.relayMode ?? defaultRelayMode;
  if (opts.relay !== false && relayMode === 'polling') {
    await producer.connect();
    await listener.start();
    await relay.start();
    started.push(
      () => relay.stop(),
      () => listener.stop(),
      () => producer.disconnect(),
    );
  }
  if (opts.relay !== false && relayMode === 'debezium') {
    const debezium = await startTestDebeziumRelay(env, logger);
    started.push(() => debezium.stop());
  }
  if (opts.processor !== false) {
    await processor.start();
    started.push(() => processor.stop());
  }
  started.push(() => api.stop());

  return {
    app: api.app,
    relay,
    processor,
    statusConsumer: api.statusConsumer,
    async stop() {
      for (const stop of started) await stop();
    },
  };
}

/** A test env of its own with the pipeline running on it; `stop()` stops it and cleans the env up. */
export async function startPipelineEnv(
  name: string,
  opts: PipelineOptions = {},
): Promise<{ env: TestEnv; pipeline: Pipeline; stop: () => Promise<void> }> {
  const env = await createTestEnv(name);
  const pipeline = await startPipeline(env, opts);
  return {
    env,
    pipeline,
    stop: async () => {
      await pipeline.stop();
      await env.cleanup();
    },
  };
}
