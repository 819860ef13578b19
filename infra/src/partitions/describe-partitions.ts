/**
 * Reads, with kafkajs's admin client, the members of each consumer group with the partitions
 * assigned to them (describeGroups and the member assignment's decoder), the group's committed
 * offsets (fetchOffsets) and the partitions' ends (fetchTopicOffsets), within a time limit.
 */
import type * as KafkaTypes from 'kafkajs';
import { kafkaClient } from '../readiness/kafka';
import type { GroupMember, GroupReport, PartitionOffsets } from './format-partitions';

/* eslint-disable @typescript-eslint/no-require-imports */
const loadKafka = (): typeof KafkaTypes => require('kafkajs') as typeof KafkaTypes;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A consumer group and the topics it consumes. */
export interface GroupTopics {
  readonly groupId: string;
  readonly topics: readonly string[];
}

function decodeMembers(members: KafkaTypes.MemberDescription[]): GroupMember[] {
  const { AssignerProtocol } = loadKafka();
  return members.map((m) => {
    const decoded = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    return {
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost.replace(/^\//, ''),
      assignment: decoded?.assignment ?? {},
    };
  });
}

async function describe(admin: KafkaTypes.Admin, groups: readonly GroupTopics[]): Promise<GroupReport[]> {
  const { groups: described } = await admin.describeGroups(groups.map((g) => g.groupId));
  const existing = new Set(await admin.listTopics());
  const ends = new Map<string, Array<{ partition: number; high: string }>>();
  for (const topic of new Set(groups.flatMap((g) => g.topics))) {
    if (existing.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
  }
  const reports: GroupReport[] = [];
  for (const g of groups) {
    const topics = g.topics.filter((t) => existing.has(t));
    const committed = topics.length > 0 ? await admin.fetchOffsets({ groupId: g.groupId, topics }) : [];
    const partitions: PartitionOffsets[] = topics.flatMap((topic) =>
      (ends.get(topic) ?? []).map((e) => {
        const c = committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === e.partition);
        const offset = c === undefined || Number(c.offset) < 0 ? undefined : BigInt(c.offset);
        return {
          topic,
          partition: e.partition,
          end: BigInt(e.high),
          ...(offset !== undefined ? { committed: offset } : {}),
        };
      }),
    );
    const d = described.find((x) => x.groupId === g.groupId);
    reports.push({
      groupId: g.groupId,
      state: d?.state ?? 'Unknown',
      members: decodeMembers(d?.members ?? []),
      partitions,
    });
  }
  return reports;
}

/** The groups' reports; rejects after `timeoutMs` rather than wait on a broker that does not answer. */
export async function describePartitions(
  brokers: string[],
  groups: readonly GroupTopics[],
  timeoutMs = 20_000,
): Promise<GroupReport[]> {
  const admin = kafkaClient(brokers, 2).admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      admin.connect().then(() => describe(admin, groups)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
