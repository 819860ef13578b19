export * from './schema';
export * from './connection';
export * from './migrate';
export * from './files.repository';
export * from './file-id-allocator';
export * from './outbox.repository';
export * from './outbox-dead-letters.repository';
export * from './inbox.repository';
export { wakeupLockKey } from './wakeup-lock';
