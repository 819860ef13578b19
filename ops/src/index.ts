export * from './audit';
export { replayDeadLetters, type ReplayResult } from './dlq/replay-dead-letters';
export { readToEnd, type TopicRecord } from './kafka/read-to-end';
export { sweepOrphans, type OrphanObject, type SweepResult } from './sweep/sweep-orphans';
