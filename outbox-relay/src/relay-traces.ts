import type { Kafka } from 'kafkajs';
import { headerString, recordSpan, SpanKind, type Logger } from '@fileflow/common';
import type { PublishObserver } from './publish-batch';

const publishAttributes = (topic: string, messageId: string, fileId: string, relay: string) => ({
  'messaging.system': 'kafka',
  'messaging.operation.name': 'publish',
  'messaging.destination.name': topic,
  'messaging.message.id': messageId,
  'fileflow.file_id': fileId,
  'fileflow.relay': relay,
});

/**
 * The polling relay's publish spans: one per row, a child of the traceparent stored with it, from
 * the send of its batch to the broker's acknowledgement.
 */
export const publishSpans: PublishObserver = {
  published(rows, sentAt, ackedAt) {
    for (const row of rows) {
      recordSpan(`publish ${row.type}`, {
        kind: SpanKind.PRODUCER,
        parent: row.traceparent,
        startTime: sentAt,
        endTime: ackedAt,
        attributes: publishAttributes(row.topic, row.id, row.aggregateid, 'polling'),
      });
    }
  },
  deadLettered() {},
};

/** `observer`, and the publish spans as well. */
export function withPublishSpans<O extends PublishObserver>(observer: O): O {
  return {
    ...observer,
    published(rows, sentAt, ackedAt) {
      observer.published(rows, sentAt, ackedAt);
      publishSpans.published(rows, sentAt, ackedAt);
    },
  };
}

/**
 * In Debezium mode Kafka Connect publishes, out of this process's sight. While tracing is on, the
 * relay process watches the topics with a consumer group of its own and reports each record's
 * publish span: a child of the record's traceparent (the outbox row's), from the record's
 * timestamp (when the connector produced it) to when the relay saw it.
 */
export async function startPublishTap(o: {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const consumer = o.kafka.consumer({ groupId: o.groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [...o.topics], fromBeginning: false });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      const seen = Date.now();
      recordSpan(`publish ${headerString(message.headers, 'type') ?? topic}`, {
        kind: SpanKind.PRODUCER,
        parent: headerString(message.headers, 'traceparent') ?? null,
        startTime: Math.min(Number(message.timestamp), seen),
        endTime: seen,
        attributes: publishAttributes(
          topic,
          headerString(message.headers, 'id') ?? '',
          message.key?.toString() ?? '',
          'debezium',
        ),
      });
      return Promise.resolve();
    },
  });
  o.logger.info('publish spans reported from the topics (Debezium mode, tracing on)', { topics: o.topics });
  return { stop: () => consumer.disconnect() };
}
