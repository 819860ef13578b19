import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { headerString } from '@fileflow/common';
import { readToEnd } from '../kafka/read-to-end';
import { topicOrderViolations, type OrderedRecord, type OrderViolation } from './topic-order';

/** The attempt a record's JSON payload names (1 when it names none, or is not JSON). */
function attemptIn(value: Buffer | null): number {
  try {
    const parsed: unknown = JSON.parse(value?.toString('utf8') ?? '');
    if (typeof parsed === 'object' && parsed !== null && 'attempt' in parsed) {
      const { attempt } = parsed;
      if (typeof attempt === 'number' && Number.isInteger(attempt)) return attempt;
    }
  } catch {
    // not JSON: judged as attempt 1
  }
  return 1;
}

/**
 * Read `topics` to the end they have now, with a throwaway consumer group that commits nothing,
 * and judge each file's order in them (`topicOrderViolations`). Resolves with the records read
 * and the violations.
 */
export async function readTopicOrder(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<{ records: number; violations: OrderViolation[] }> {
  const records: OrderedRecord[] = [];
  await readToEnd(
    kafka,
    { topics, groupId: `audit-order-${randomBytes(4).toString('hex')}`, commit: false, timeoutMs },
    ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: BigInt(message.offset),
        key: message.key?.toString('utf8') ?? '',
        type: headerString(message.headers, 'type') ?? '',
        attempt: attemptIn(message.value),
      });
    },
  );
  return { records: records.length, violations: topicOrderViolations(records) };
}
