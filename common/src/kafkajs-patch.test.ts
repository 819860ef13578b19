/**
 * patches/kafkajs+2.2.4.patch (applied by `npm ci`'s postinstall) makes two of KafkaJS's hot paths
 * cheaper without changing what they produce. These tests fail if the patch is not applied or
 * changes their results.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  buf: Buffer;
  buffer: Buffer;
  writeInt32(v: number): unknown;
};
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: Array<{ key: string }>;
  partitioner: (args: { message: { key: string } }) => number;
}) => Record<string, Array<{ key: string }>>;

describe('patched KafkaJS', () => {
  it('groups messages per partition in their order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}, {}],
      messages,
      partitioner: ({ message }) => Number(message.key) % 3,
    });
    expect(grouped).toEqual({
      0: [messages[0], messages[3], messages[6], messages[9]],
      1: [messages[1], messages[4], messages[7]],
      2: [messages[2], messages[5], messages[8]],
    });
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual(
      {},
    );
  });

  it('encoders take their buffer from the shared pool (allocUnsafe), and expose only what was written', () => {
    const encoder = new Encoder();
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
    encoder.writeInt32(7);
    expect([...encoder.buffer]).toEqual([0, 0, 0, 7]);
  });
});
