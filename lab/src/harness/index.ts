export * from './eventually';
export * from './stack-settings';
export * from './test-env';
export * from './topic-reader';
export * from './pipeline';
export * from './debezium-relay';
export * from './outbox-writers';
export * from './test-relay';
