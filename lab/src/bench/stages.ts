import type { Message } from 'kafkajs';
import { createS3Client, newId, newTraceparent, producerSettings, putObject } from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { renderFile } from '@fileflow/file-processor';
import { createFile, createGroupedFileWriter, insertFilesOn } from '@fileflow/api';
import { createFileDeps } from '@fileflow/api/src/testing';
import { stackSettings, type TestEnv } from '@fileflow/testkit';
import { closedLoop, type LoopResult } from './measure';

/**
 * The API's write (file + outbox row), same code, pool size and client concurrency as the API:
 * each file in a transaction of its own (the specified stage: one file + outbox row per
 * transaction), or `grouped` as the API writes them (`createGroupedFileWriter`: the files of
 * concurrent callers share a statement).
 */
export async function rawPostgres(
  env: TestEnv,
  o: { durationMs: number; warmupMs: number; concurrency: number; poolSize: number; grouped: boolean },
): Promise<LoopResult> {
  const db = createDb(env.databaseUrl, o.poolSize);
  try {
    const deps = createFileDeps(env, {
      db,
      traceparent: newTraceparent,
      ...(o.grouped ? { write: createGroupedFileWriter(insertFilesOn(db)) } : {}),
    });
    return await closedLoop(
      o.concurrency,
      o.durationMs,
      async (i) => {
        await createFile(deps, { body: { title: `raw file ${i}`, description: 'benchmark row' } });
        return 1;
      },
      { warmupMs: o.warmupMs },
    );
  } finally {
    await db.destroy();
  }
}

/** A record shaped like the relay's `file.create` record (key, jsonb-text value, id/type/traceparent headers). */
export function fileCreateRecord(i: number): Message {
  const value = JSON.stringify({
    title: `raw file ${i}`,
    fileId: i,
    timestamp: new Date().toISOString(),
    description: 'benchmark row',
  });
  return {
    key: String(i),
    value,
    headers: { id: newId(), type: 'file.create', traceparent: newTraceparent() },
  };
}

/** kafkajs `sendBatch` with acks=all, one batch in flight, as the polling relay does. */
export async function rawKafka(
  env: TestEnv,
  o: { durationMs: number; warmupMs: number; batchSize: number },
): Promise<LoopResult> {
  const producer = env.kafka.producer(producerSettings);
  await producer.connect();
  try {
    return await closedLoop(
      1,
      o.durationMs,
      async (b) => {
        const messages = Array.from({ length: o.batchSize }, (_, k) => fileCreateRecord(b * o.batchSize + k));
        await producer.sendBatch({ topicMessages: [{ topic: env.topics.fileCreate, messages }], acks: -1 });
        return o.batchSize;
      },
      { warmupMs: o.warmupMs },
    );
  } finally {
    await producer.disconnect();
  }
}

/** PutObject of a rendered file as the processor sends it (`putObject` through a `createS3Client` client), concurrency as the processor (3 partitions x 16 uploads). */
export async function rawS3(
  env: TestEnv,
  o: { durationMs: number; warmupMs: number; concurrency: number },
): Promise<LoopResult> {
  const s3 = createS3Client(stackSettings.s3);
  try {
    return await closedLoop(
      o.concurrency,
      o.durationMs,
      async (i) => {
        await putObject(s3, {
          bucket: env.bucket,
          key: `${env.keyPrefix}raw-${i}.txt`,
          body: renderFile(`raw file ${i}`, 'benchmark row'),
          contentType: 'text/plain; charset=utf-8',
        });
        return 1;
      },
      { warmupMs: o.warmupMs },
    );
  } finally {
    s3.destroy();
  }
}
