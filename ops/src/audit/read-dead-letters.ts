import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { deadLetterOrigin, deadLetterTopic, headerString } from '@fileflow/common';
import { readToEnd } from '../kafka/read-to-end';
import type { DeadLetterFact } from './facts';

/** What a dead letter says about its file: the id (its key, else the value's), attempt, reason and type. */
export function deadLetterFact(
  originalTopic: string,
  m: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
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
    reason: deadLetterOrigin(m.headers).reason ?? 'no reason recorded',
    ...(headerString(m.headers, 'type') !== undefined ? { type: headerString(m.headers, 'type') } : {}),
  };
}

/**
 * Every record in the dead-letter topics of `topics` (`<topic>.dlq`), to the end they had when
 * the read began, with a throwaway consumer group that commits nothing.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<DeadLetterFact[]> {
  const original = new Map(topics.map((t) => [deadLetterTopic(t), t]));
  const facts: DeadLetterFact[] = [];
  await readToEnd(
    kafka,
    { topics: [...original.keys()], groupId: `audit-${randomBytes(4).toString('hex')}`, commit: false, timeoutMs },
    ({ topic, message }) => {
      facts.push(deadLetterFact(original.get(topic) ?? topic, message));
    },
  );
  return facts;
}
