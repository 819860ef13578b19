import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isStalled, keepHeartbeating } from './consumer-liveness';
import { sendToDeadLetters, type DeadLetter } from './dead-letter';
import { headerString } from './kafka-codec';
import type { ConsumerMetrics } from './metrics';
import { fileLogFields } from './tracing';
import { consumerTiming, producerSettings } from './kafka';
import { createOffsetCommitter } from './offset-committer';
import type { Runnable } from './lifecycle';
import type { Logger } from './logger';

/** One consumed record and where it came from. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** What a handler may watch while it works on a slice. */
export interface SliceContext {
  /**
   * Aborted when this consumer is about to lose the slice's partition (the group rebalances, or
   * dropped it) or is stopping: a handler that waits (a retry's backoff) should give up and
   * throw, so that the records come again.
   */
  readonly signal: AbortSignal;
}

/**
 * Handle records of one partition, in offset order. Resolve with the records to send to the
 * dead-letter topic (and why); every other record counts as processed. Throw to have all of
 * them delivered again (none of their offsets is committed). Heartbeats go on while it runs,
 * so it may take longer than the session timeout.
 */
export type BatchHandler = (
  records: readonly ConsumedRecord[],
  producer: Producer,
  context: SliceContext,
) => Promise<readonly DeadLetter[]>;

export interface RecordConsumer extends Runnable {
  /** Started, not stopped, and consuming (false while its Kafka consumer is found wedged). */
  isRunning(): boolean;
}

export interface WatchedRecordConsumer extends RecordConsumer {
  /** Why it is not consuming, while it is not (for readiness). */
  problem(): string | undefined;
}

/** Settle with `work`, or reject after `ms`. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Split `items` into slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The consumer loop every service shares: one consumer group over `topics`, up to six
 * partitions at a time, each partition's records handed over in slices of at most
 * `sliceSize` (what the broker has ready, so a slice is one record when the load is light and
 * many under load), and a producer for the handler's output and for dead letters. A slice's
 * offsets are resolved only after `handle` (and the dead-letter copies) resolved, and committed
 * in the background at most `commitIntervalMs` later (`createOffsetCommitter`), so a crash means
 * redelivery (of what was processed in that window and not yet committed), never loss; a poison
 * record goes to `<topic>.dlq` and never blocks its partition. On shutdown the loop stops
 * between slices, lets the slices in flight finish and commits them; on a rebalance what it did
 * not commit comes again to the partition's new owner. `stop()` is final: create a new consumer
 * to consume again.
 *
 * While a slice is in flight the loop keeps heartbeating (`keepHeartbeating`), so a slice may
 * outlast the session timeout; a heartbeat that reports a rebalance aborts the slice's signal,
 * and the batch ends with that error once the slice settles (KafkaJS then rejoins). A watchdog
 * replaces the KafkaJS consumer (disconnect, then a new one in the same group) when it has gone
 * `stallMs` without a completed fetch while no slice was in flight: KafkaJS recovers from
 * connection faults itself (docs/architecture.md), and this bounds what it does not. While it
 * is found wedged, `isRunning()` is false and `problem()` says why.
 */
export function createRecordConsumer(o: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  handle: BatchHandler;
  sliceSize?: number;
  /** How long a processed offset may wait to be committed (default 100 ms). */
  commitIntervalMs?: number;
  /** How long without a completed fetch (and no slice in flight) means wedged (default 60 s). */
  stallMs?: number;
  /** Where to count records, lag and dead letters (none: not counted). */
  metrics?: ConsumerMetrics;
}): WatchedRecordConsumer {
  const producer = o.kafka.producer(producerSettings);
  const sliceSize = o.sliceSize ?? 100;
  const stallMs = o.stallMs ?? 60_000;
  let running = false;
  let stopping = false;
  const stopped = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  /** The current KafkaJS consumer and its number; a replaced one's callbacks do nothing. */
  let consumer: Consumer;
  let generation = 0;
  let lastActivityAt = Date.now();
  let problem: string | undefined;
  let replacing = false;
  let watchdog: NodeJS.Timeout | undefined;
  const offsets = createOffsetCommitter({
    commit: (list) => consumer.commitOffsets(list),
    intervalMs: o.commitIntervalMs ?? 100,
    onError: (err) => o.logger.warn('offset commit failed; retrying', { error: String(err) }),
  });

  const runSlice = async (p: EachBatchPayload, slice: KafkaMessage[], signal: AbortSignal): Promise<void> => {
    const { topic, partition } = p.batch;
    const started = Date.now();
    const dead = await o.handle(
      slice.map((message) => ({ topic, partition, message })),
      producer,
      { signal },
    );
    await sendToDeadLetters(producer, dead);
    o.metrics?.records.inc({ group: o.groupId, topic }, slice.length);
    if (dead.length > 0) o.metrics?.deadLetters.inc({ topic }, dead.length);
    for (const d of dead) {
      o.logger.warn('record sent to dead-letter topic', {
        ...fileLogFields(d.message.key?.toString() ?? 'none', headerString(d.message.headers, 'traceparent')),
        topic,
        partition,
        offset: d.message.offset,
        reason: d.reason,
      });
    }
    const last = slice.at(-1);
    if (last) {
      p.resolveOffset(last.offset);
      offsets.processed(topic, partition, last.offset);
    }
    o.logger.debug('slice done', { topic, partition, records: slice.length, ms: Date.now() - started });
  };

  const eachBatchOf =
    (ownGeneration: number) =>
    async (p: EachBatchPayload): Promise<void> => {
      for (const slice of slices(p.batch.messages, sliceSize)) {
        if (ownGeneration !== generation || stopping || !p.isRunning() || p.isStale()) return;
        lastActivityAt = Date.now();
        const beats = keepHeartbeating(
          () => p.heartbeat(),
          consumerTiming.heartbeatInterval,
          (err) => o.logger.debug('heartbeat during a slice failed', { error: String(err) }),
        );
        const work = runSlice(p, slice, AbortSignal.any([beats.signal, stopped.signal]));
        inFlight.add(work);
        let lost: Error | undefined;
        try {
          await work;
        } finally {
          inFlight.delete(work);
          lastActivityAt = Date.now();
          lost = await beats.stop();
        }
        // The group is rebalancing: end the batch with KafkaJS's own error, so that it rejoins.
        if (lost !== undefined) throw lost;
        await p.heartbeat();
      }
    };

  /** A new KafkaJS consumer in the group, subscribed and running. */
  const startConsumer = async (): Promise<void> => {
    generation += 1;
    const own = generation;
    const c = o.kafka.consumer({ groupId: o.groupId, ...consumerTiming });
    consumer = c;
    const current = () => own === generation;
    c.on(c.events.GROUP_JOIN, (e) => {
      if (!current()) return;
      lastActivityAt = Date.now();
      offsets.retain(e.payload.memberAssignment);
    });
    c.on(c.events.FETCH, () => {
      if (!current()) return;
      lastActivityAt = Date.now();
      if (problem !== undefined) o.logger.info('consumer is fetching again', { groupId: o.groupId });
      problem = undefined;
    });
    c.on(c.events.CRASH, (e) => {
      o.logger.error('consumer crashed', { error: String(e.payload.error), restart: e.payload.restart });
      if (!current() || e.payload.restart) return;
      // KafkaJS gave up on this consumer: the watchdog replaces it at its next look.
      problem = `Kafka consumer crashed for good: ${String(e.payload.error)}`;
      lastActivityAt = -Infinity;
    });
    try {
      await c.connect();
      await c.subscribe({ topics: [...o.topics], fromBeginning: true });
      // autoCommit off: KafkaJS would commit after every partition batch and wait for it before
      // fetching again; `offsets` commits in the background instead.
      await c.run({
        partitionsConsumedConcurrently: 6,
        eachBatchAutoResolve: false,
        autoCommit: false,
        eachBatch: eachBatchOf(own),
      });
    } catch (err) {
      await c.disconnect().catch(() => undefined); // a half-started consumer must not linger in the group
      throw err;
    }
    lastActivityAt = Date.now();
  };

  /** Disconnect the wedged consumer (bounded: one that does not answer is left behind) and start a new one. */
  const replace = async (): Promise<void> => {
    replacing = true;
    const wedged = consumer;
    const idleMs = Date.now() - lastActivityAt;
    problem ??= `no Kafka fetch completed for ${Math.round(idleMs / 1000)} s`;
    o.logger.warn('consumer is wedged; replacing it', { groupId: o.groupId, problem, idleMs });
    try {
      await within(wedged.disconnect(), 3 * consumerTiming.sessionTimeout, 'disconnecting the wedged consumer').catch(
        (err: unknown) => o.logger.warn('wedged consumer did not disconnect; left behind', { error: String(err) }),
      );
      if (stopping) return;
      const starting = startConsumer();
      const fresh = consumer;
      await within(starting, stallMs, 'starting a new consumer').catch((err: unknown) => {
        // Still starting in the background: stop it once it settles; the next look starts another.
        void starting.then(
          () => fresh.disconnect().catch(() => undefined),
          () => undefined,
        );
        throw err;
      });
    } catch (err) {
      problem = `Kafka consumer could not be replaced: ${String(err)}`;
      o.logger.warn('replacing the consumer failed; trying again later', { error: String(err) });
      lastActivityAt = Date.now(); // the next try after another stallMs
    } finally {
      replacing = false;
    }
  };

  const look = () => {
    if (!running || stopping || replacing) return;
    if (isStalled({ now: Date.now(), lastActivityAt, slicesInFlight: inFlight.size, stallMs })) void replace();
  };

  return {
    async start() {
      if (running) return;
      await producer.connect();
      await startConsumer();
      running = true;
      watchdog = setInterval(look, Math.max(100, Math.floor(stallMs / 4)));
      watchdog.unref();
    },
    async stop() {
      running = false;
      stopping = true; // no new slice starts; let the ones in flight finish, then commit them
      clearInterval(watchdog);
      stopped.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      offsets.close();
      await offsets.flush();
      await consumer.disconnect();
      await producer.disconnect();
    },
    isRunning: () => running && problem === undefined,
    problem: () => (running ? problem : 'consumer is not running'),
  };
}
