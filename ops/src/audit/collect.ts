import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import type { Kafka } from 'kafkajs';
import { mapConcurrent, topicList, type Topics } from '@fileflow/common';
import { outboxBacklog, type Db } from '@fileflow/db';
import { objectKeyFor } from '@fileflow/file-processor';
import type { AuditFacts } from './facts';
import { readDeadLetters } from './read-dead-letters';

/** Every object key under `prefix` (all pages). */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Read the facts the audit judges: files, their history, the outbox, the inbox, the bucket. */
export async function collectFacts(deps: {
  db: Db;
  s3: S3Client;
  bucket: string;
  keyPrefix: string;
  /** Where to read the dead-letter topics of `topics` (left out: they are not read). */
  kafka?: { client: Kafka; topics: Topics };
  now?: () => Date;
}): Promise<AuditFacts> {
  const { db, s3, bucket, keyPrefix } = deps;
  const files = await db.selectFrom('files').selectAll().orderBy('id').execute();
  const transitions = await db
    .selectFrom('file_transitions')
    .select(['file_id', 'from_status', 'to_status', 'attempt'])
    .orderBy('id')
    .execute();
  const { rows: inboxRows } = await sql<{ applied: string; ignored: string; duplicates: string }>`
    SELECT count(*) FILTER (WHERE outcome = 'applied') AS applied,
           count(*) FILTER (WHERE outcome = 'ignored') AS ignored,
           coalesce(sum(duplicates), 0) AS duplicates
    FROM inbox`.execute(db);
  const keys = await listKeys(s3, bucket, keyPrefix);
  const completed = new Set(
    files.filter((f) => f.status === 'completed').map((f) => objectKeyFor(keyPrefix, f.id, f.format)),
  );
  const contents = await mapConcurrent(keys, 8, async (key) => {
    if (!completed.has(key)) return [key, undefined] as const;
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await obj.Body?.transformToByteArray();
    return [key, bytes && Buffer.from(bytes)] as const;
  });
  const inbox = inboxRows[0];
  const deadLetters = deps.kafka ? await readDeadLetters(deps.kafka.client, topicList(deps.kafka.topics)) : undefined;
  const outboxDead = await db
    .selectFrom('outbox_dead_letters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return {
    now: deps.now?.() ?? new Date(),
    files: files.map((f) => ({
      id: f.id,
      title: f.title,
      description: f.description,
      status: f.status,
      format: f.format,
      s3Location: f.s3_location,
      error: f.error,
      createdAt: f.created_at,
      deletionRequestedAt: f.deletion_requested_at,
    })),
    transitions: transitions.map((t) => ({
      fileId: t.file_id,
      from: t.from_status,
      to: t.to_status,
      attempt: t.attempt,
    })),
    objects: new Map(contents),
    outbox: await outboxBacklog(db),
    inbox: {
      applied: Number(inbox?.applied ?? 0),
      ignored: Number(inbox?.ignored ?? 0),
      duplicatesSeen: Number(inbox?.duplicates ?? 0),
    },
    ...(deadLetters ? { deadLetters } : {}),
    outboxDeadLetters: Number(outboxDead?.n ?? 0),
    bucket,
    keyPrefix,
  };
}
