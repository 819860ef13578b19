import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import {
  createKafka,
  createTopicsWithLeaders,
  createS3Client,
  deadLetterTopic,
  silentLogger,
  topicList,
  topicsWithSuffix,
  type Topics,
} from '@fileflow/common';
import { createDb, migrateToLatest, type Db } from '@fileflow/db';
import { databaseUrlFor, stackSettings } from './stack-settings';

/**
 * Everything one test file owns: its own database (migrated), topics with a unique suffix
 * (created up front), consumer-group names and an S3 key prefix. Test files never share
 * state, so they can run in parallel against one stack.
 */
export interface TestEnv {
  readonly id: string;
  readonly databaseUrl: string;
  readonly databaseName: string;
  readonly db: Db;
  readonly topics: Topics;
  readonly groupIds: { readonly processor: string; readonly status: string };
  readonly kafka: Kafka;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  /** Prefix of the env's Redis keys. */
  readonly redisKeyPrefix: string;
  /** Run `fn` at cleanup, before the database is dropped (e.g. drop a replication slot). */
  beforeCleanup(fn: () => Promise<void>): void;
  cleanup(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stackSettings.adminDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestEnvOptions {
  /** Of each topic (default 3). */
  readonly partitions?: number;
  /** Another Kafka cluster than the stack's (e.g. a test's own three brokers). */
  readonly kafkaBrokers?: readonly string[];
  /** Of each topic (default 1, the stack's single broker). */
  readonly replicationFactor?: number;
}

export async function createTestEnv(name: string, opts: TestEnvOptions = {}): Promise<TestEnv> {
  const id = `${name
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const dbName = `t_${id}`;
  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  const databaseUrl = databaseUrlFor(dbName);
  const db = createDb(databaseUrl, 10);
  await migrateToLatest(db);

  const topics = topicsWithSuffix(id);
  const kafka = createKafka(
    { brokers: opts.kafkaBrokers ?? stackSettings.kafkaBrokers, clientId: `test-${id}` },
    silentLogger,
  );
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const names = topicList(topics).flatMap((t) => [t, deadLetterTopic(t)]);
  try {
    await createTopicsWithLeaders(
      kafkaAdmin,
      names.map((topic) => ({
        topic,
        numPartitions: opts.partitions ?? 3,
        replicationFactor: opts.replicationFactor ?? 1,
      })),
    );
  } finally {
    await kafkaAdmin.disconnect();
  }

  const s3 = createS3Client(stackSettings.s3);
  const keyPrefix = `t/${id}/files/`;
  const cleanups: Array<() => Promise<void>> = [];

  return {
    id,
    databaseUrl,
    databaseName: dbName,
    db,
    topics,
    groupIds: { processor: `file-service-${id}`, status: `api-status-${id}` },
    kafka,
    s3,
    bucket: stackSettings.bucket,
    keyPrefix,
    redisKeyPrefix: `t:${id}:`,
    beforeCleanup(fn) {
      cleanups.push(fn);
    },
    async cleanup() {
      for (const fn of cleanups.reverse()) await fn();
      await db.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      const a = kafka.admin();
      await a.connect();
      const existing = await a.listTopics();
      await a.deleteTopics({ topics: names.filter((t) => existing.includes(t)) }).catch(() => undefined);
      await a.disconnect();
      await deletePrefix(s3, stackSettings.bucket, `t/${id}/`);
      s3.destroy();
    },
  };
}

/** Delete every object under `prefix`, a page (up to 1,000 keys) at a time. */
async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}
