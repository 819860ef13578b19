/** Where the connector reads from, and the names that make it unique. */
export interface ConnectorSettings {
  /** Connector name in Kafka Connect. */
  readonly name: string;
  readonly databaseUrl: string;
  /** Logical replication slot (one per connector; `[a-z0-9_]`). */
  readonly slotName: string;
  /** Publication on the outbox table only (created by `ensurePublication`). */
  readonly publicationName: string;
  /** Prefix of Debezium's own topics (heartbeats); our records go to the row's `topic`. */
  readonly topicPrefix: string;
  readonly heartbeatIntervalMs?: number;
  /** `poll.interval.ms` (DEBEZIUM_POLL_INTERVAL_MS): each poll is one Kafka transaction. */
  readonly pollIntervalMs?: number;
}

/**
 * The Debezium PostgreSQL connector with the Outbox Event Router, configured so that it
 * produces exactly the records the polling relay produces from the same row:
 * topic = `topic` column, key = `aggregateid`, value = the payload, headers `id`, `type`,
 * `traceparent`. Pure: the registration code diffs and PUTs what this returns.
 */
export function outboxConnectorConfig(s: ConnectorSettings): Record<string, string> {
  const url = new URL(s.databaseUrl);
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'plugin.name': 'pgoutput',
    'database.hostname': url.hostname,
    'database.port': url.port || '5432',
    'database.user': decodeURIComponent(url.username),
    'database.password': decodeURIComponent(url.password),
    'database.dbname': url.pathname.slice(1),
    'topic.prefix': s.topicPrefix,
    'slot.name': s.slotName,
    // We create the publication ourselves, for INSERTs only: the cleanup's DELETEs are never
    // decoded, so the router never sees an operation it would have to ignore.
    'publication.name': s.publicationName,
    'publication.autocreate.mode': 'disabled',
    'table.include.list': 'public.outbox',
    'column.exclude.list': 'public.outbox.seq,public.outbox.txid',
    // Rows still in the outbox have never been published (the poller deletes what it sent,
    // the cleanup deletes what the slot already holds), so the first start of a connector
    // snapshots them; after that it streams. The snapshot reads an MVCC snapshot taken with
    // the slot, so concurrent cleanup cannot hide a row from it.
    'snapshot.mode': 'initial',
    'tombstones.on.delete': 'false',
    // Heartbeats move the slot forward even when the outbox is idle, so WAL is not retained.
    'heartbeat.interval.ms': String(s.heartbeatIntervalMs ?? 10_000),
    // A transactional message: after a task restart Debezium confirms a position only past a
    // commit, so a non-transactional heartbeat would not release WAL on an idle outbox.
    'heartbeat.action.query': "SELECT pg_logical_emit_message(true, 'fileflow-heartbeat', now()::varchar)",
    'message.prefix.exclude.list': 'fileflow-heartbeat',
    // How long a task's poll waits for a batch to fill. Each poll is one Kafka transaction
    // (exactly once, below) and its records wait for it; shorter means more transactions
    // (docs/relays.md, docs/benchmarks.md "What moved each number").
    'poll.interval.ms': String(s.pollIntervalMs ?? 50),
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.route.by.field': 'topic',
    'transforms.outbox.route.topic.replacement': '${routedByValue}',
    'transforms.outbox.table.field.event.id': 'id',
    'transforms.outbox.table.field.event.key': 'aggregateid',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.table.fields.additional.placement': 'type:header:type,traceparent:header:traceparent',
    // The payload leaves as PostgreSQL's own jsonb text, the very bytes the polling relay
    // sends (`payload::text`). Expanding it through JsonConverter would drop nulls, re-escape
    // non-BMP characters and fail the task on numbers beyond int64.
    'transforms.outbox.table.expand.json.payload': 'false',
    'transforms.outbox.table.op.invalid.behavior': 'warn',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    // Only our headers (id, type, traceparent), none of Debezium's __debezium.context.* ones.
    'extended.headers.enabled': 'false',
    // Transactional writes to Kafka with the source offsets: no duplicates after a crash
    // (the worker runs with exactly.once.source.support=enabled).
    'exactly.once.support': 'required',
  };
}

/** Names for a connector on `databaseName` (slot and prefix must be unique per database). */
export function connectorNamesFor(
  databaseName: string,
): Pick<ConnectorSettings, 'name' | 'slotName' | 'publicationName' | 'topicPrefix'> {
  const safe = databaseName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    name: `fileflow-outbox-${safe}`,
    slotName: `fileflow_${safe}`.slice(0, 63),
    publicationName: 'fileflow_outbox',
    topicPrefix: `fileflow_${safe}`,
  };
}
