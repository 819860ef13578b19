/**
 * Kafka readiness: metadata, topics, and a produce/consume round trip through a consumer group
 * (kafkajs, loaded lazily).
 */
import type * as KafkaTypes from 'kafkajs';
import { KAFKA } from '../config';
import { fmtSecs } from '../log';
import { waitFor } from './wait';

type KafkaModule = typeof KafkaTypes;

/* eslint-disable @typescript-eslint/no-require-imports */
const loadKafka = (): KafkaModule => require('kafkajs') as KafkaModule;
/* eslint-enable @typescript-eslint/no-require-imports */

export function kafkaClient(brokers: string[], retries: number): InstanceType<KafkaModule['Kafka']> {
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

/**
 * The broker answers metadata requests, the cluster has an active controller, and (with
 * `nodeId`) that node is among its registered brokers.
 */
export async function probeKafka(brokers: string[], nodeId?: number): Promise<void> {
  const admin = kafkaClient(brokers, 0).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    if (cluster.controller === null || cluster.controller < 0) throw new Error('no active controller yet');
    if (nodeId !== undefined && !cluster.brokers.some((b) => b.nodeId === nodeId)) {
      throw new Error(
        `broker ${nodeId} not registered yet (brokers: ${cluster.brokers.map((b) => b.nodeId).join(', ')})`,
      );
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until the cluster has `count` registered brokers (a replication factor of `count` needs them all). */
export function waitForBrokers(brokers: string[], count: number, timeoutMs: number): Promise<void> {
  return waitFor(
    async () => {
      const admin = kafkaClient(brokers, 0).admin();
      await admin.connect();
      try {
        const { brokers: registered } = await admin.describeCluster();
        if (registered.length < count) throw new Error(`${registered.length} of ${count} brokers registered`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    { what: `[kafka] ${count} brokers`, timeoutMs },
  );
}

/**
 * Creates the missing topics and waits until every partition of every topic (created now or
 * before) is served by its leader; returns the names created and each topic's partition count.
 */
export async function ensureKafkaTopics(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
  replicationFactor = 1,
): Promise<{ created: string[]; partitions: Record<string, number> }> {
  const admin = kafkaClient(brokers, 5).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    // Not KafkaJS's own `waitForLeaders` (see createTopicsWithLeaders); topics that exist are kept.
    const { createTopicsWithLeaders } = await import('@fileflow/common'); // lazily, like kafkajs: `status` stays fast
    await createTopicsWithLeaders(
      admin,
      topics.map((topic) => ({
        topic,
        numPartitions: topic === KAFKA.healthTopic ? 1 : partitions,
        replicationFactor,
        configEntries: topic === KAFKA.healthTopic ? [{ name: 'retention.ms', value: '3600000' }] : [],
      })),
    );
    const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
    return { created: missing, partitions: Object.fromEntries(meta.map((t) => [t.name, t.partitions.length])) };
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
