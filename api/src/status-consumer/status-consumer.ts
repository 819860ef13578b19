import type { Kafka } from 'kafkajs';
import {
  createGroupCommit,
  createRecordConsumer,
  publishedAtOf,
  fileLogFields,
  SpanKind,
  SpanStatusCode,
  startSpan,
  decodeRecord,
  fileCreatedSchema,
  fileProcessingSchema,
  fileDeletedSchema,
  headerString,
  type ConsumedRecord,
  type Decoded,
  type ConsumerMetrics,
  type DeadLetter,
  type Faults,
  type Logger,
  type WatchedRecordConsumer,
  type Topics,
} from '@fileflow/common';
import type { Db } from '@fileflow/db';
import type { FileCache } from '../redis/file-cache';
import { applyStatusEvents } from './apply-status-event';
import type { ReceivedStatusEvent, StatusEvent } from './plan-status-batch';
import type { StatusMetrics } from './status-metrics';

export interface StatusConsumerDeps {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly topics: Topics;
  readonly groupId: string;
  readonly logger: Logger;
  /** Ids of the outbox messages it writes (a file's deletion asked for again). */
  readonly newId: () => string;
  readonly faults?: Faults;
  /** Told of every change before it commits (see `FileCache`). */
  readonly cache?: FileCache | undefined;
  /** Where records, dead letters and status changes are counted (none: not counted). */
  readonly metrics?: { readonly consumer: ConsumerMetrics; readonly status: StatusMetrics } | undefined;
}

export type StatusConsumer = WatchedRecordConsumer;

/**
 * A status record by its topic and type: `file.processing`, or on `file.created` either what the
 * processor said of the file's creation or (`file.deleted`) that its object is gone.
 */
function decodeStatusRecord(record: ConsumedRecord, topics: Topics): Decoded<StatusEvent> {
  if (record.topic === topics.fileProcessing) return decodeRecord(record.message, fileProcessingSchema);
  return headerString(record.message.headers, 'type') === 'file.deleted'
    ? decodeRecord(record.message, fileDeletedSchema)
    : decodeRecord(record.message, fileCreatedSchema);
}

/**
 * Consumes `file.processing` and `file.created` (with `file.deleted`) and applies them to `files`, a slice of
 * records per transaction (slices of several partitions that arrive together share one). The offsets are committed only after the transaction committed
 * (and unknown files went to the dead-letter topic), so a crash or a database outage means
 * redelivery, never loss; the inbox makes redelivery harmless.
 */
export function createStatusConsumer(deps: StatusConsumerDeps): StatusConsumer {
  const log = deps.logger.child({ component: 'status-consumer' });
  // The partitions' slices that arrive together share one transaction (and one commit).
  const cache = deps.cache;
  const apply = createGroupCommit((events: ReceivedStatusEvent[]) =>
    applyStatusEvents(deps.db, events, {
      ...(deps.faults ? { faults: deps.faults } : {}),
      ...(cache ? { beforeCommit: (changed) => cache.invalidate(changed) } : {}),
      ...(deps.metrics ? { afterCommit: (applied) => deps.metrics?.status.applied(applied, Date.now()) } : {}),
      deleteAgain: { topics: deps.topics, newId: deps.newId, now: () => new Date() },
    }),
  );
  return createRecordConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topics.fileProcessing, deps.topics.fileCreated],
    logger: log,
    ...(deps.metrics ? { metrics: deps.metrics.consumer } : {}),
    async handle(records) {
      const dead: DeadLetter[] = [];
      const events: Array<ReceivedStatusEvent & { record: ConsumedRecord }> = [];
      for (const record of records) {
        const decoded = decodeStatusRecord(record, deps.topics);
        if (decoded.ok) {
          const publishedAt = publishedAtOf(record.message.headers);
          events.push({
            event: decoded.value,
            headers: decoded.headers,
            record,
            ...(publishedAt ? { publishedAt } : {}),
          });
        } else dead.push({ ...record, reason: decoded.reason });
      }
      // One span per event, child of the traceparent it came with, until its transaction commits.
      const spans = events.map(({ event, headers, record }) =>
        startSpan(`apply ${headers.type}`, {
          kind: SpanKind.CONSUMER,
          parent: headers.traceparent,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': record.topic,
            'messaging.message.id': headers.id,
            'fileflow.file_id': event.fileId,
            'fileflow.status': event.status,
          },
        }),
      );
      let outcomes;
      try {
        outcomes = await apply(events);
      } catch (err) {
        for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR }).end();
        throw err;
      }
      events.forEach(({ event, headers, record }, i) => {
        const outcome = outcomes[i];
        spans[i]?.setAttribute('fileflow.outcome', outcome?.kind ?? 'none').end();
        if (outcome?.kind === 'unknown-file') dead.push({ ...record, reason: `file ${event.fileId} does not exist` });
        log.debug('status event', {
          ...fileLogFields(event.fileId, headers.traceparent),
          topic: record.topic,
          offset: record.message.offset,
          outcome,
        });
      });
      return dead;
    },
  });
}
