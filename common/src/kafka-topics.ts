/**
 * Creating topics and waiting until every partition's leader serves it.
 *
 * KafkaJS's `createTopics` waits for leaders by default (`waitForLeaders: true`), but its wait
 * retries only LEADER_NOT_AVAILABLE. A KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION ("This
 * server does not host this topic-partition") for a moment after it created a topic, and KafkaJS
 * then fails the whole call although the topics exist. So: create without KafkaJS's wait, then
 * poll metadata ourselves, treating either answer as "not yet".
 *
 * A leader in the metadata is not yet enough. A KRaft broker updates its metadata cache before
 * its replica manager creates the partitions, and a produce in between fails for that partition.
 * KafkaJS then retries the broker's whole produce request, so the records of the partitions that
 * had succeeded are written twice. So, last, each topic's offsets are listed: only a leader that
 * hosts the partition answers that.
 */
import type { Admin, ITopicConfig } from 'kafkajs';

/** Metadata as `admin.fetchTopicMetadata` returns it, reduced to what the decision reads. */
export interface TopicLeaders {
  readonly name: string;
  readonly partitions: ReadonlyArray<{ readonly leader: number }>;
}

/** The topics of `names` that are missing from `meta` or have a partition without a leader. */
export function topicsWithoutLeaders(names: readonly string[], meta: readonly TopicLeaders[]): string[] {
  const led = new Set(
    meta.filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)).map((t) => t.name),
  );
  return names.filter((n) => !led.has(n));
}

/** KafkaJS's names for a broker's answers about a topic it created but does not serve yet. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** Such an error, or KafkaJS's "retries exhausted" around one. */
const isNotYet = (err: unknown): boolean => {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; originalError?: unknown; cause?: unknown };
  return NOT_YET.has(String(e.type)) || isNotYet(e.originalError) || isNotYet(e.cause);
};

export interface CreateTopicsOptions {
  /** How long to wait for leaders after creating. Default 30 s. */
  readonly timeoutMs?: number;
  /** Between metadata polls. Default 50 ms. */
  readonly intervalMs?: number;
}

/**
 * Creates `topics` (those that exist already are left as they are) and resolves once every
 * partition of every one of them has a leader that serves it; rejects after `timeoutMs` naming
 * the topics not served yet.
 */
export async function createTopicsWithLeaders(
  admin: Admin,
  topics: readonly ITopicConfig[],
  { timeoutMs = 30_000, intervalMs = 50 }: CreateTopicsOptions = {},
): Promise<void> {
  await admin.createTopics({ topics: [...topics], waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let waitingFor = names;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      waitingFor = topicsWithoutLeaders(names, meta);
      if (waitingFor.length === 0) {
        for (const [i, name] of names.entries()) {
          waitingFor = names.slice(i);
          await admin.fetchTopicOffsets(name);
        }
        return;
      }
    } catch (err) {
      if (!isNotYet(err)) throw err;
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new Error(`topics not served by a leader after ${timeoutMs} ms: ${waitingFor.join(', ')}${cause}`);
}
