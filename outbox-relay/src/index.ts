export { createRelay, type Relay, type RelayDeps } from './relay';
export { createOutboxListener } from './outbox-listener';
export { toKafkaRecord, groupByTopic } from './to-kafka-record';
