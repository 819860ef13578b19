import type { Express } from 'express';
import { newId, silentLogger, type Logger } from '@fileflow/common';
import { createFileIdAllocator, reserveFileIds, type Db } from '@fileflow/db';
import type { Producer } from 'kafkajs';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { createApp, type AppDeps } from './app';
import type { FileCache } from './redis/file-cache';
import type { CreateFileDeps } from './create-file';
import { createFileWriter, insertFilesOn } from './file-writer';
import { createStatusConsumer, type StatusConsumer } from './status-consumer/status-consumer';

/*
 * The API as tests run it on a test env (`@fileflow/api/src/testing`): test code only, never
 * imported by the services.
 */

/**
 * What `createFile` needs, on `env` (or on `db`): each file written in a transaction of its own
 * (`createFileWriter`), ids from the files sequence in blocks (as the API takes them), new message
 * ids, empty traceparents. `overrides` replaces any part.
 */
export function createFileDeps(
  env: TestEnv,
  { db = env.db, ...overrides }: Partial<CreateFileDeps> & { db?: Db } = {},
): CreateFileDeps {
  return {
    topics: env.topics,
    write: createFileWriter(insertFilesOn(db)),
    fileId: createFileIdAllocator((n) => reserveFileIds(db, n)),
    newId,
    traceparent: () => '',
    now: () => new Date(),
    ...overrides,
  };
}

/** The API process's two parts on `env`: the HTTP app (to mount with supertest) and its status consumer. */
export interface TestApi {
  readonly app: Express;
  readonly statusConsumer: StatusConsumer;
  stop(): Promise<void>;
}

/** The app on `env` (no keys, no rate limit, no cache unless `over` gives them). */
export function createTestApp(env: TestEnv, over: Partial<AppDeps> = {}): Express {
  return createApp({
    db: env.db,
    topics: env.topics,
    logger: silentLogger,
    newId,
    now: () => new Date(),
    s3: env.s3,
    ...over,
  });
}

/**
 * The app, and the status consumer unless `statusConsumer: false` (started here); `cache` is the
 * file cache both share.
 */
export async function startTestApi(
  env: TestEnv,
  {
    logger = silentLogger,
    statusConsumer: consume = true,
    cache,
    app: over = {},
  }: { logger?: Logger; statusConsumer?: boolean; cache?: FileCache; app?: Partial<AppDeps> } = {},
): Promise<TestApi> {
  const app = createTestApp(env, { logger, cache, ...over });
  const statusConsumer = createStatusConsumer({
    kafka: env.kafka,
    db: env.db,
    topics: env.topics,
    groupId: env.groupIds.status,
    logger,
    newId,
    cache,
  });
  if (consume) await statusConsumer.start();
  return { app, statusConsumer, stop: () => (consume ? statusConsumer.stop() : Promise.resolve()) };
}

/** A test env with the API's side running, and a producer to play the processor's part. */
export interface ApiTestbed {
  readonly env: TestEnv;
  readonly api: TestApi;
  readonly producer: Producer;
  cleanup(): Promise<void>;
}

export async function startApiTestbed(name: string): Promise<ApiTestbed> {
  const env = await createTestEnv(name);
  const api = await startTestApi(env);
  const producer = env.kafka.producer();
  await producer.connect();
  return {
    env,
    api,
    producer,
    async cleanup() {
      await producer.disconnect();
      await api.stop();
      await env.cleanup();
    },
  };
}
