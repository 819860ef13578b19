import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { headerString } from '@fileflow/common';
import { eventually } from './eventually';

/** A consumed record, decoded for assertions. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly headers: Record<string, string | undefined>;
}

function flatHeaders(h: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(h ?? {})) out[name] = headerString(h, name);
  return out;
}

/**
 * Read `topic` from the beginning with a throwaway consumer group until `until(records)`
 * holds (or the timeout passes), then return everything read.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (records: readonly ReadRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString(),
          value: message.value?.toString(),
          headers: flatHeaders(message.headers),
        });
        return Promise.resolve();
      },
    });
    await eventually(
      () => {
        if (!until(records)) throw new Error(`${topic}: condition not met after ${records.length} records`);
      },
      { timeoutMs },
    );
    return records;
  } finally {
    await consumer.disconnect();
  }
}
