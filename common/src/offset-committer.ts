/** A partition's next offset to consume, as Kafka's OffsetCommit takes it. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the last processed record (a decimal string, as KafkaJS gives offsets). */
  readonly offset: string;
}

export interface OffsetCommitter {
  /** Record that every record of `topic`/`partition` up to `lastOffset` is processed. */
  processed(topic: string, partition: number, lastOffset: string): void;
  /** Forget partitions no longer assigned (after a rebalance their new owner commits them). */
  retain(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** Commit what is processed and not yet committed, now; resolves when it is (or failed). */
  flush(): Promise<void>;
  /** Stop the timer (does not flush). */
  close(): void;
}

const key = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * Commits consumed offsets in the background, at most once per `intervalMs`, instead of one
 * OffsetCommit round trip after every fetched partition batch (what KafkaJS's autoCommit does,
 * and what the consumer then waits for before it fetches again). A processed offset waits at
 * most `intervalMs` (plus one round trip) to be committed; a crash in that window redelivers
 * those records, which every consumer here tolerates (at least once, idempotent consumers).
 * Commits never go backwards: a failed commit is retried later unless a newer offset of that
 * partition came meanwhile.
 */
export function createOffsetCommitter(o: {
  commit: (offsets: PartitionOffset[]) => Promise<void>;
  intervalMs: number;
  onError: (err: unknown) => void;
}): OffsetCommitter {
  let pending = new Map<string, PartitionOffset>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const arm = () => {
    if (timer || closed || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, o.intervalMs);
  };

  const commitPending = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await o.commit([...batch.values()]);
    } catch (err) {
      o.onError(err);
      for (const [k, v] of batch) if (!pending.has(k)) pending.set(k, v);
    }
  };

  const flush = async (): Promise<void> => {
    while (inFlight) await inFlight;
    inFlight = commitPending().finally(() => {
      inFlight = undefined;
      arm();
    });
    await inFlight;
  };

  return {
    processed(topic, partition, lastOffset) {
      pending.set(key(topic, partition), { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() });
      arm();
    },
    retain(assignment) {
      for (const [k, v] of pending) if (!assignment[v.topic]?.includes(v.partition)) pending.delete(k);
    },
    flush,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
