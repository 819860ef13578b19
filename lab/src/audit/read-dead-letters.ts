import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { deadLetterTopic, headerString } from '@fileflow/common';
import type { DeadLetterFact } from './facts';

/** What a dead letter says about its file: the id (its key, else the value's), attempt and reason. */
export function deadLetterFact(
  originalTopic: string,
  m: { key: Buffer | null; value: Buffer | null; headers?: Parameters<typeof headerString>[0] },
): DeadLetterFact {
  let value: { fileId?: unknown; attempt?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(m.value?.toString('utf8') ?? '');
    if (typeof parsed === 'object' && parsed !== null) value = parsed;
  } catch {
    // a record that is not JSON still names its file by its key
  }
  const fromKey = /^\d{1,10}$/.test(m.key?.toString() ?? '') ? Number(m.key?.toString()) : undefined;
  const fromValue = typeof value.fileId === 'number' && Number.isInteger(value.fileId) ? value.fileId : undefined;
  return {
    fileId: fromKey ?? fromValue,
    topic: originalTopic,
    attempt: typeof value.attempt === 'number' && Number.isInteger(value.attempt) ? value.attempt : 1,
    reason: headerString(m.headers, 'dlq-reason') ?? 'no reason recorded',
  };
}

/**
 * Every record in the dead-letter topics of `topics` (`<topic>.dlq`), read from the beginning to
 * the end they had when the read began, with a throwaway consumer group. Topics that do not
 * exist hold none. Rejects if the end is not reached within `timeoutMs`.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<DeadLetterFact[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, Map<number, bigint>>(); // dlq topic -> partition -> offset of its last record
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.map(deadLetterTopic).filter((t) => existing.has(t))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const last = new Map(
        offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high) - 1n] as const),
      );
      if (last.size > 0) ends.set(topic, last);
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];

  const original = new Map(topics.map((t) => [deadLetterTopic(t), t]));
  const facts: DeadLetterFact[] = [];
  const left = new Set([...ends].flatMap(([t, parts]) => [...parts.keys()].map((p) => `${t}:${p}`)));
  const consumer = kafka.consumer({ groupId: `audit-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...ends.keys()], fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dead-letter topics not read to their end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: ({ topic, partition, message }) => {
          facts.push(deadLetterFact(original.get(topic) ?? topic, message));
          const end = ends.get(topic)?.get(partition);
          if (end !== undefined && BigInt(message.offset) >= end) left.delete(`${topic}:${partition}`);
          if (left.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    await done;
    return facts;
  } finally {
    await consumer.disconnect();
  }
}
