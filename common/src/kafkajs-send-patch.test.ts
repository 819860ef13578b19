/**
 * patches/kafkajs+2.2.4.patch, the producer's send (`producer/sendMessages.js`): a send retried
 * after a broker failed resends every partition not yet acknowledged (docs/architecture.md,
 * "Dependencies we patch"). This test fails on the unpatched producer.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
/** The slice of KafkaJS's producer internals the resend test drives. */
type ProduceRequest = {
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; messages: unknown[] }> }>;
};
const { KafkaJSConnectionError } = require('kafkajs/src/errors') as {
  KafkaJSConnectionError: new (message: string) => Error;
};
const createRetry = require('kafkajs/src/retry') as (o: { retries: number; initialRetryTime: number }) => unknown;
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (
  deps: unknown,
) => (args: {
  acks: number;
  timeout: number;
  topicMessages: Array<{ topic: string; messages: Array<{ key: string; value: string }> }>;
}) => Promise<Array<{ topicName: string; partition: number }>>;

type Produce = (nodeId: number, request: ProduceRequest) => Promise<unknown>;

/** An answer of every partition of `request`, as a broker that took them gives it. */
const accepted = (request: ProduceRequest) =>
  Promise.resolve({
    topics: request.topicData.map((t) => ({
      topicName: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
    })),
  });

/**
 * KafkaJS's `sendMessages` over a fake cluster of topic `t` with partitions 0 and 1 (key `a` to
 * 0, `b` to 1): `leaderOf` says which broker leads a partition now (undefined: none known), and
 * `produce` is how each broker answers. Sends one message of each key.
 */
function sendBoth(leaderOf: (partition: number) => number | undefined, produce: Produce) {
  const broker = (nodeId: number) => ({ nodeId, produce: (r: ProduceRequest) => produce(nodeId, r) });
  const brokers = new Map([1, 2].map((id) => [id, broker(id)]));
  const cluster = {
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata: () => Promise.resolve(),
    addMultipleTargetTopics: () => Promise.resolve(),
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [{ partitionId: 0 }, { partitionId: 1 }],
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) {
        const leader = leaderOf(p);
        if (leader !== undefined) (out[leader] ??= []).push(p);
      }
      return out;
    },
    findBroker: ({ nodeId }: { nodeId: string }) => Promise.resolve(brokers.get(Number(nodeId))), // keys of an object: strings
  };
  const eosManager = {
    acquireBrokerLock: () => Promise.resolve(),
    releaseBrokerLock: () => Promise.resolve(),
    isTransactional: () => false,
    getSequence: () => 0,
    updateSequence: () => undefined,
    getProducerId: () => -1,
    getProducerEpoch: () => 0,
    getTransactionalId: () => undefined,
  };
  const send = createSendMessages({
    logger: { debug: () => undefined, error: () => undefined },
    cluster,
    partitioner: ({ message }: { message: { key: string } }) => (message.key === 'a' ? 0 : 1),
    eosManager,
    retrier: createRetry({ retries: 3, initialRetryTime: 1 }),
  });
  return send({
    acks: -1,
    timeout: 1_000,
    topicMessages: [
      {
        topic: 't',
        messages: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      },
    ],
  });
}

describe('patched KafkaJS producer', () => {
  it('resends the partitions of a broker that died to their new leader, even when that broker already answered', async () => {
    // Attempt 1: broker 1 leads partition 0 and dies; broker 2 leads partition 1 and answers.
    // Attempt 2: broker 2 leads both. Unpatched, broker 2 was skipped (it had answered) and the
    // messages of partition 0 were never sent, yet the send resolved.
    let leaderOfPartition0 = 1;
    const produced: Array<{ broker: number; partition: number; messages: number }> = [];
    const acks = await sendBoth(
      (p) => (p === 0 ? leaderOfPartition0 : 2),
      (nodeId, request) => {
        if (nodeId === 1) {
          leaderOfPartition0 = 2; // the cluster moves its leadership
          return Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'));
        }
        for (const t of request.topicData)
          for (const p of t.partitions)
            produced.push({ broker: nodeId, partition: p.partition, messages: p.messages.length });
        return accepted(request);
      },
    );
    expect(produced).toEqual([
      { broker: 2, partition: 1, messages: 1 },
      { broker: 2, partition: 0, messages: 1 },
    ]);
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1]);
  });

  it('does not resolve while a partition has no known leader: it retries until one takes its messages', async () => {
    // Attempt 1: no leader is known for partition 0 (its broker just died); unpatched, its
    // messages were left out of every request and the send resolved with partition 1 alone.
    let attempts = 0;
    const produced: number[] = [];
    const acks = await sendBoth(
      (p) => (p === 0 ? (attempts > 0 ? 2 : undefined) : 2),
      (_nodeId, request) => {
        attempts += 1;
        for (const t of request.topicData) for (const p of t.partitions) produced.push(p.partition);
        return accepted(request);
      },
    );
    expect(produced.sort()).toEqual([0, 1]);
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1]);
  });
});
