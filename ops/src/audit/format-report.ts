import type { AuditReport } from './facts';

const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The report as text for a terminal. */
export function formatReport(r: AuditReport): string {
  const s = r.summary;
  const lines = [
    'fileflow audit',
    `  files               ${s.files} (pending ${s.byStatus.pending}, processing ${s.byStatus.processing}, completed ${s.byStatus.completed}, failed ${s.byStatus.failed})`,
    `  oldest not terminal ${secs(s.oldestNonTerminalAgeMs)}`,
    `  outbox backlog      ${s.outboxBacklog} (oldest ${secs(s.outboxOldestAgeMs)})`,
    `  objects             ${s.objects}`,
    `  inbox               ${s.inboxApplied} applied, ${s.inboxIgnored} ignored, ${s.inboxDuplicatesSeen} duplicates dropped`,
    `  dead letters        ${s.deadLetters ?? 'not read (no Kafka)'} in Kafka, ${s.outboxDeadLetters} refused outbox rows`,
    r.violations.length === 0 ? 'OK: no violations' : `VIOLATIONS: ${r.violations.length}`,
    ...r.violations.map(
      (v) =>
        `  - ${v.kind}${v.fileId !== undefined ? ` file ${v.fileId}` : ''}${v.key ? ` ${v.key}` : ''}: ${v.detail}`,
    ),
  ];
  return lines.join('\n');
}
