export { createRelay, type Relay, type RelayDeps } from './relay';
export { openRelayDb } from './relay-db';
export { createOutboxListener } from './outbox-listener';
export { toKafkaRecord, groupByTopic } from './to-kafka-record';
export { createConnectClient, type ConnectClient } from './debezium/connect-client';
export { connectorNamesFor, outboxConnectorConfig, type ConnectorSettings } from './debezium/connector-config';
export { registerConnector } from './debezium/register-connector';
export { createOutboxCleanup } from './debezium/outbox-cleanup';
export { slotHealth, dropSlot, ensurePublication } from './debezium/replication-slot';
