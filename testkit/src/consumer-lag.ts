import type { Admin } from 'kafkajs';

/**
 * Offsets the groups have not yet committed past, summed over the topics' partitions (a group
 * with no committed offset on a partition has all of it to read). On a topic written in
 * transactions (`transactional`: Kafka Connect's exactly-once Debezium task), each transaction
 * ends with a commit marker that takes an offset and that no consumer sees, so a partition read
 * to its end still shows 1: such a partition counts only past that.
 */
export async function consumerLag(
  admin: Admin,
  groups: readonly { readonly groupId: string; readonly topic: string; readonly transactional?: boolean }[],
): Promise<number> {
  let total = 0n;
  for (const { groupId, topic, transactional = false } of groups) {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    for (const end of ends) {
      const from = done.get(end.partition) ?? -1n;
      const lag = BigInt(end.high) - (from < 0n ? BigInt(end.low) : from) - (transactional ? 1n : 0n);
      if (lag > 0n) total += lag;
    }
  }
  return Number(total);
}
