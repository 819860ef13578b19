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

describe('patched KafkaJS producer', () => {
  it('resends the partitions of a broker that died to their new leader, even when that broker already answered', async () => {
    // Attempt 1: broker 1 leads partition 0 and dies; broker 2 leads partition 1 and answers.
    // Attempt 2: broker 2 leads both. Unpatched, broker 2 was skipped (it had answered) and the
    // messages of partition 0 were never sent, yet the send resolved.
    let leaderOfPartition0 = 1;
    const produced: Array<{ broker: number; partition: number; messages: number }> = [];
    const broker = (nodeId: number) => ({
      nodeId,
      produce: (request: ProduceRequest) => {
        if (nodeId === 1) {
          leaderOfPartition0 = 2; // the cluster moves its leadership
          return Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'));
        }
        for (const t of request.topicData)
          for (const p of t.partitions)
            produced.push({ broker: nodeId, partition: p.partition, messages: p.messages.length });
        return Promise.resolve({
          topics: request.topicData.map((t) => ({
            topicName: t.topic,
            partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
          })),
        });
      },
    });
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
        for (const p of partitions.map(Number)) (out[p === 0 ? leaderOfPartition0 : 2] ??= []).push(p);
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
    const acks = await send({
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
    expect(produced).toEqual([
      { broker: 2, partition: 1, messages: 1 },
      { broker: 2, partition: 0, messages: 1 },
    ]);
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1]);
  });
});
