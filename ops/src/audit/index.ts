export * from './facts';
export { judge, type AuditLimits } from './judge';
export { collectFacts } from './collect';
export { formatReport } from './format-report';
export { expectedContents } from './expected-contents';
export { orphanObjects } from './orphans';
export { topicOrderViolations, type OrderedRecord, type OrderViolation } from './topic-order';
export { readTopicOrder } from './read-topic-order';
