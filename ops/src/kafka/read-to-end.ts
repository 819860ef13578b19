import type { Kafka, KafkaMessage } from 'kafkajs';

/** One record read by `readToEnd`. */
export interface TopicRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Read the records `topics` hold now, with consumer group `groupId`: from the group's committed
 * offset of each partition (its first record when it has none) to the end the partition had when
 * the read began, so records written meanwhile (a replayed record failing again, say) are not
 * read. Topics that do not exist hold none. `commit` commits what was read in the group. Rejects
 * if the end is not reached within `timeoutMs`. A topic written by a transactional producer
 * (Kafka Connect's, in Debezium mode) ends with a commit marker, a record no consumer is given:
 * the end counts as reached once a fetched batch reaches it, whatever records the batch held.
 */
export async function readToEnd(
  kafka: Kafka,
  o: { topics: readonly string[]; groupId: string; commit: boolean; timeoutMs: number },
  each: (record: TopicRecord) => Promise<void> | void,
): Promise<void> {
  const ends = new Map<string, bigint>(); // "topic:partition" -> the offset after its last record
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of o.topics.filter((t) => existing.has(t))) {
      const [offsets, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId: o.groupId, topics: [topic] }),
      ]);
      const start = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      for (const p of offsets) {
        const from = [start.get(p.partition) ?? -1n, BigInt(p.low)].reduce((a, b) => (a > b ? a : b));
        if (BigInt(p.high) > from) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return;

  const consumer = kafka.consumer({ groupId: o.groupId });
  await consumer.connect();
  try {
    const topics = [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topics.join(', ')}: not read to the end within ${o.timeoutMs} ms`)),
        o.timeoutMs,
      );
      // Emitted after every fetched batch: once the eachMessage calls of its records are done,
      // and also for a batch of markers only (whose records never reach eachMessage).
      // `lastOffset` counts the markers, so it is the one place where a partition's end is seen.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const key = `${payload.topic}:${payload.partition}`;
        const end = ends.get(key);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) ends.delete(key);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          autoCommit: o.commit,
          eachMessage: async ({ topic, partition, message }) => {
            const end = ends.get(`${topic}:${partition}`);
            if (end === undefined || BigInt(message.offset) >= end) return;
            await each({ topic, partition, message });
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
}
