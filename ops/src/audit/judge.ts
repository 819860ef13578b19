import { decideRetry, decideTransition, isTerminal, type FileStatus } from '@fileflow/common';
import type { AuditFacts, AuditReport, Violation } from './facts';

export interface AuditLimits {
  /** A file not terminal for longer than this is stuck. */
  readonly maxNonTerminalAgeMs: number;
  /** An outbox row older than this means the relay is not keeping up. */
  readonly maxOutboxAgeMs: number;
}

/**
 * Judge the facts: pure, so every rule is unit-tested with planted violations.
 * `render` builds the content a completed file's object must have.
 */
export function judge(
  facts: AuditFacts,
  limits: AuditLimits,
  render: (title: string, description: string) => string,
): AuditReport {
  const violations: Violation[] = [];
  const byStatus: Record<FileStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0 };
  let oldestNonTerminalAgeMs: number | null = null;
  const fileIds = new Set<number>();
  const prefix = `s3://${facts.bucket}/${facts.keyPrefix}`;

  for (const f of facts.files) {
    fileIds.add(f.id);
    byStatus[f.status] += 1;
    if (!isTerminal(f.status)) {
      const age = facts.now.getTime() - f.createdAt.getTime();
      oldestNonTerminalAgeMs = Math.max(oldestNonTerminalAgeMs ?? 0, age);
      if (age > limits.maxNonTerminalAgeMs) {
        violations.push({ kind: 'stuck', fileId: f.id, detail: `${f.status} for ${Math.round(age / 1000)} s` });
      }
    }
    if (f.status === 'failed' && !f.error) {
      violations.push({ kind: 'failed-without-reason', fileId: f.id, detail: 'failed with no error recorded' });
    }
    if (f.status === 'completed') {
      const key = `${facts.keyPrefix}${f.id}.txt`;
      if (f.s3Location !== `${prefix}${f.id}.txt` || !facts.objects.has(key)) {
        violations.push({
          kind: 'object-missing',
          fileId: f.id,
          key,
          detail: `no object at s3://${facts.bucket}/${key}`,
        });
      } else {
        const content = facts.objects.get(key);
        if (content !== undefined && content !== render(f.title, f.description ?? '')) {
          violations.push({
            kind: 'object-content-mismatch',
            fileId: f.id,
            key,
            detail: 'content differs from title/description',
          });
        }
      }
    }
  }

  for (const key of facts.objects.keys()) {
    const m = /^(\d+)\.txt$/.exec(key.slice(facts.keyPrefix.length));
    const id = m ? Number(m[1]) : undefined;
    if (id === undefined || !fileIds.has(id))
      violations.push({ kind: 'orphan-object', key, detail: 'object with no file' });
  }

  const reached = new Map<string, { fileId: number; attempt: number; status: FileStatus; n: number }>();
  const attemptOf = new Map<number, number>();
  for (const t of facts.transitions) {
    const before = attemptOf.get(t.fileId);
    attemptOf.set(t.fileId, t.attempt);
    // Forward within the attempt, or the one way back: failed -> pending as the start of the
    // next attempt (POST /files/:id/retry). The same rules the status consumer and the API apply.
    const retry =
      t.from !== null && before !== undefined ? decideRetry({ status: t.from, attempt: before }) : undefined;
    const newAttempt = retry?.retry === true && t.to === 'pending' && t.attempt === retry.attempt;
    const forward = t.from !== null && t.attempt === before && decideTransition(t.from, t.to).apply;
    if (t.from !== null && !newAttempt && !forward) {
      const attempts = t.attempt === before ? '' : ` (attempt ${before ?? '?'} -> ${t.attempt})`;
      violations.push({ kind: 'status-regression', fileId: t.fileId, detail: `${t.from} -> ${t.to}${attempts}` });
    }
    // A terminal status reached twice in one attempt means an outcome was applied twice.
    if (!isTerminal(t.to)) continue;
    const k = `${t.fileId}:${t.attempt}:${t.to}`;
    const seen = reached.get(k) ?? { fileId: t.fileId, attempt: t.attempt, status: t.to, n: 0 };
    reached.set(k, { ...seen, n: seen.n + 1 });
  }
  for (const { fileId, attempt, status, n } of reached.values()) {
    if (n > 1) {
      violations.push({ kind: 'applied-twice', fileId, detail: `${status} applied ${n} times in attempt ${attempt}` });
    }
  }

  // A file not final whose request (or outcome) of its current attempt sits in a dead-letter
  // topic will not move until someone replays it: stranded, whatever its age.
  const open = new Map(facts.files.filter((f) => !isTerminal(f.status)).map((f) => [f.id, f.status]));
  for (const d of facts.deadLetters ?? []) {
    const status = d.fileId === undefined ? undefined : open.get(d.fileId);
    if (d.fileId === undefined || status === undefined || d.attempt !== (attemptOf.get(d.fileId) ?? 1)) continue;
    violations.push({
      kind: 'request-dead-lettered',
      fileId: d.fileId,
      detail: `${status}, and its ${d.topic} record is in ${d.topic}.dlq (npm run dlq:replay): ${d.reason}`,
    });
  }

  if (facts.outbox.oldestAgeMs !== null && facts.outbox.oldestAgeMs > limits.maxOutboxAgeMs) {
    violations.push({
      kind: 'outbox-backlog',
      detail: `${facts.outbox.count} rows waiting, oldest ${Math.round(facts.outbox.oldestAgeMs / 1000)} s`,
    });
  }

  return {
    summary: {
      files: facts.files.length,
      byStatus,
      oldestNonTerminalAgeMs,
      outboxBacklog: facts.outbox.count,
      outboxOldestAgeMs: facts.outbox.oldestAgeMs,
      objects: facts.objects.size,
      inboxApplied: facts.inbox.applied,
      inboxIgnored: facts.inbox.ignored,
      inboxDuplicatesSeen: facts.inbox.duplicatesSeen,
      deadLetters: facts.deadLetters?.length ?? null,
      outboxDeadLetters: facts.outboxDeadLetters ?? 0,
    },
    violations,
  };
}
