import type { IHeaders, Message } from 'kafkajs';
import type { ClaimedOutboxRow } from '@fileflow/db';

/**
 * The Kafka record for an outbox row, shaped as Debezium's Outbox Event Router shapes it:
 * key = `aggregateid`, value = the payload as jsonb text (`payload::text`), header `id` = row id (the dedupe key),
 * plus `type` and `traceparent` headers.
 */
export function toKafkaRecord(
  row: Pick<ClaimedOutboxRow, 'id' | 'aggregateid' | 'type' | 'payload' | 'traceparent'>,
): Message {
  const headers: IHeaders = { id: row.id, type: row.type };
  if (row.traceparent) headers.traceparent = row.traceparent;
  return { key: row.aggregateid, value: row.payload, headers };
}

/** Group rows by topic, keeping their order, for one `sendBatch`. */
export function groupByTopic(
  rows: readonly Pick<ClaimedOutboxRow, 'id' | 'aggregateid' | 'type' | 'payload' | 'traceparent' | 'topic'>[],
) {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const list = byTopic.get(row.topic) ?? [];
    list.push(toKafkaRecord(row));
    byTopic.set(row.topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
