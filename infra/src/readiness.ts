/**
 * Real readiness probes (never a sleep): Postgres `SELECT 1` (pg), Kafka metadata + a
 * produce/consume round trip through a consumer group (kafkajs), S3 HeadBucket
 * (@aws-sdk/client-s3), Kafka Connect GET /connector-plugins + /health, HTTP GET /health/ready.
 * Client libraries are loaded lazily.
 */
import type * as S3Types from '@aws-sdk/client-s3';
import * as fs from 'fs';
import type * as KafkaTypes from 'kafkajs';
import type * as PgTypes from 'pg';
import { CONNECT, KAFKA, type StackInfo } from './config';
import { fmtSecs } from './log';
import { isAlive, sleep } from './process-control';

type PgModule = typeof PgTypes;
type KafkaModule = typeof KafkaTypes;
type S3Module = typeof S3Types;

/* eslint-disable @typescript-eslint/no-require-imports */
const loadPg = (): PgModule => require('pg') as PgModule;
const loadKafka = (): KafkaModule => require('kafkajs') as KafkaModule;
const loadS3 = (): S3Module => require('@aws-sdk/client-s3') as S3Module;
/* eslint-enable @typescript-eslint/no-require-imports */

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function tailFile(file: string, lines = 20): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 32 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf
        .toString('utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no log)';
  }
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  logFile?: string;
  /** Fail fast when this process dies while we wait. */
  pid?: number;
}

/** Poll `probe` until it resolves, with a bounded timeout and an error pointing at the log. */
export async function waitFor<T>(probe: () => Promise<T>, o: WaitOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  let last = 'not tried';
  const logHint = o.logFile ? `\n  log: ${o.logFile}\n  last lines:\n${tailFile(o.logFile, 15)}` : '';
  for (;;) {
    if (o.pid !== undefined && !isAlive(o.pid)) {
      throw new Error(`${o.what}: process ${o.pid} exited during start-up (last probe error: ${last})${logHint}`);
    }
    try {
      return await probe();
    } catch (err) {
      last = errorMessage(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${o.what} not ready after ${fmtSecs(Date.now() - started)}: ${last}${logHint}`);
    }
    await sleep(o.intervalMs ?? 250);
  }
}

/* ---------------- Postgres ---------------- */

export async function pgQuery(url: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const { Client } = loadPg();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const res = await client.query(sql, params);
    return res.rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function probePostgres(url: string): Promise<void> {
  const rows = await pgQuery(url, 'SELECT 1 AS ok');
  if (rows[0]?.ok !== 1) throw new Error('SELECT 1 returned no row');
}

function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** The server accepts the credentials; a missing target database (3D000) still counts as up. */
export async function probePostgresServer(url: string): Promise<void> {
  try {
    await probePostgres(url);
  } catch (err) {
    if (pgErrorCode(err) !== '3D000') throw err;
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates the database of `url` (connecting to the `postgres` db) if missing; true if created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  try {
    await probePostgres(url);
    return false;
  } catch (err) {
    if (pgErrorCode(err) !== '3D000') throw err;
  }
  const db = databaseOf(url);
  const admin = withDatabase(url, 'postgres');
  const exists = await pgQuery(admin, 'SELECT 1 FROM pg_database WHERE datname = $1', [db]);
  if (exists.length > 0) return false;
  const { escapeIdentifier } = loadPg();
  await pgQuery(admin, `CREATE DATABASE ${escapeIdentifier(db)}`);
  return true;
}

/* ---------------- Kafka ---------------- */

function kafkaClient(brokers: string[], retries: number): InstanceType<KafkaModule['Kafka']> {
  const { Kafka, logLevel } = loadKafka();
  return new Kafka({
    clientId: 'fileflow-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/** Broker answers metadata requests. */
export async function probeKafka(brokers: string[]): Promise<void> {
  const admin = kafkaClient(brokers, 0).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    if (cluster.controller === null || cluster.controller < 0) throw new Error('no active controller yet');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Creates the missing topics; returns the names created. */
export async function ensureKafkaTopics(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
): Promise<string[]> {
  const admin = kafkaClient(brokers, 5).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: topic === KAFKA.healthTopic ? 1 : partitions,
          replicationFactor: 1,
          configEntries: topic === KAFKA.healthTopic ? [{ name: 'retention.ms', value: '3600000' }] : [],
        })),
      });
    }
    const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
    for (const t of meta.topics) {
      if (t.partitions.some((p) => p.leader < 0)) throw new Error(`topic ${t.name} has a partition without leader`);
    }
    return missing;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Produce a unique message and consume it back through a consumer group. */
export async function kafkaRoundTrip(brokers: string[], timeoutMs: number): Promise<void> {
  const kafka = kafkaClient(brokers, 10);
  const token = `roundtrip-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({
    groupId: KAFKA.healthGroup,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 200,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topics: [KAFKA.healthTopic], fromBeginning: true });
    const received = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            if (message.value?.toString() === token) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    await producer.send({ topic: KAFKA.healthTopic, acks: -1, messages: [{ key: 'launcher', value: token }] });
    await Promise.race([
      received,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`message not consumed back within ${fmtSecs(timeoutMs)}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

/* ---------------- S3 ---------------- */

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode;
}

function s3Client(info: StackInfo): InstanceType<S3Module['S3Client']> {
  const { S3Client } = loadS3();
  return new S3Client({
    endpoint: info.s3Endpoint,
    region: info.region,
    // a copy: the SDK decorates the credentials object it is given
    credentials: { ...info.credentials },
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });
}

/** HeadBucket; 'missing' when the server answers 404 (server up, bucket not created yet). */
export async function headBucket(info: StackInfo): Promise<'exists' | 'missing'> {
  const { HeadBucketCommand } = loadS3();
  const client = s3Client(info);
  try {
    await client.send(new HeadBucketCommand({ Bucket: info.bucket }));
    return 'exists';
  } catch (err) {
    if (httpStatusOf(err) === 404) return 'missing';
    const status = httpStatusOf(err);
    throw new Error(status ? `HeadBucket answered HTTP ${status}` : errorMessage(err));
  } finally {
    client.destroy();
  }
}

/** Creates the bucket if missing; true if created. */
export async function ensureBucket(info: StackInfo): Promise<boolean> {
  if ((await headBucket(info)) === 'exists') return false;
  const { CreateBucketCommand } = loadS3();
  const client = s3Client(info);
  try {
    await client.send(new CreateBucketCommand({ Bucket: info.bucket }));
  } finally {
    client.destroy();
  }
  if ((await headBucket(info)) !== 'exists') throw new Error(`bucket ${info.bucket} still missing after CreateBucket`);
  return true;
}

/* ---------------- HTTP services ---------------- */

export async function probeHttp(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
}

/* ---------------- Kafka Connect ---------------- */

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body };
}

/**
 * The Connect worker is up: GET /connector-plugins lists the Debezium PostgreSQL connector, and
 * GET /health (KIP-1017) says the worker has finished starting (read its internal topics, joined
 * its group), so connector configs can be PUT right away.
 */
export async function probeConnect(baseUrl: string): Promise<void> {
  const base = baseUrl.replace(/\/+$/, '');
  const plugins = await getJson(`${base}/connector-plugins`);
  if (plugins.status !== 200) throw new Error(`GET ${base}/connector-plugins answered ${plugins.status}`);
  const classes = Array.isArray(plugins.body)
    ? plugins.body.map((p: unknown) => (typeof p === 'object' && p !== null && 'class' in p ? String(p.class) : '?'))
    : [];
  if (!classes.includes(CONNECT.postgresConnectorClass)) {
    throw new Error(
      `GET ${base}/connector-plugins does not list ${CONNECT.postgresConnectorClass} (got: ${classes.join(', ') || 'none'})`,
    );
  }
  const health = await getJson(`${base}/health`);
  if (health.status !== 200) {
    const msg =
      typeof health.body === 'object' && health.body !== null && 'message' in health.body
        ? String(health.body.message)
        : '';
    throw new Error(`GET ${base}/health answered ${health.status}${msg ? `: ${msg}` : ''}`);
  }
}
