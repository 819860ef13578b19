export * from './schema';
export * from './connection';
export * from './migrate';
export * from './files.repository';
export * from './outbox.repository';
export * from './inbox.repository';
