import { decideRetry, decideTransition, isTerminal, type FileStatus } from '@fileflow/common';
import { objectKeyFor } from '@fileflow/file-processor';
import type { AuditFacts, AuditReport, Violation } from './facts';
import { orphanObjects } from './orphans';

export interface AuditLimits {
  /** A file not terminal for longer than this is stuck. */
  readonly maxNonTerminalAgeMs: number;
  /** An outbox row older than this means the relay is not keeping up. */
  readonly maxOutboxAgeMs: number;
}

/**
 * Judge the facts: pure, so every rule is unit-tested with planted violations.
 * `render` gives the content a completed file's object must have (`expectedContents`).
 */
export function judge(
  facts: AuditFacts,
  limits: AuditLimits,
  /** The bytes a completed file's object must hold (undefined: not checked). */
  render: (file: AuditFacts['files'][number]) => Buffer | undefined,
): AuditReport {
  const violations: Violation[] = [];
  const byStatus: Record<FileStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0, expired: 0 };
  let oldestNonTerminalAgeMs: number | null = null;
  const prefix = `s3://${facts.bucket}/${facts.keyPrefix}`;

  for (const f of facts.files) {
    byStatus[f.status] += 1;
    const key = objectKeyFor(facts.keyPrefix, f.id, f.format);
    // Not final: an attempt still open, or a deletion asked for and not done.
    const openSince = !isTerminal(f.status) ? f.createdAt : f.status !== 'expired' ? f.deletionRequestedAt : null;
    if (openSince) {
      const age = facts.now.getTime() - openSince.getTime();
      oldestNonTerminalAgeMs = Math.max(oldestNonTerminalAgeMs ?? 0, age);
      if (age > limits.maxNonTerminalAgeMs) {
        const what = isTerminal(f.status) ? `${f.status}, its deletion asked for` : f.status;
        violations.push({ kind: 'stuck', fileId: f.id, detail: `${what} for ${Math.round(age / 1000)} s` });
      }
    }
    if (f.status === 'failed' && !f.error) {
      violations.push({ kind: 'failed-without-reason', fileId: f.id, detail: 'failed with no error recorded' });
    }
    if (f.status === 'expired' && facts.objects.has(key)) {
      violations.push({
        kind: 'expired-object-present',
        fileId: f.id,
        key,
        detail: `expired, yet s3://${facts.bucket}/${key} exists`,
      });
    }
    // A file whose deletion is under way may have lost its object already: only the others are checked.
    if (f.status === 'completed' && f.deletionRequestedAt === null) {
      if (f.s3Location !== `${prefix}${f.id}.${f.format}` || !facts.objects.has(key)) {
        violations.push({
          kind: 'object-missing',
          fileId: f.id,
          key,
          detail: `no object at s3://${facts.bucket}/${key}`,
        });
      } else {
        const content = facts.objects.get(key);
        const expected = render(f);
        if (content !== undefined && expected !== undefined && !content.equals(expected)) {
          violations.push({
            kind: 'object-content-mismatch',
            fileId: f.id,
            key,
            detail: `content differs from the ${f.format} rendering of its title and description`,
          });
        }
      }
    }
  }

  for (const key of orphanObjects(facts.files, facts.objects.keys(), facts.keyPrefix)) {
    violations.push({ kind: 'orphan-object', key, detail: 'object that no file owns' });
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
  // topic will not move until someone replays it: stranded, whatever its age. So is a file whose
  // deletion's request sits there.
  const open = new Map(facts.files.filter((f) => !isTerminal(f.status)).map((f) => [f.id, f.status]));
  const deleting = new Map(
    facts.files.filter((f) => f.deletionRequestedAt !== null && f.status !== 'expired').map((f) => [f.id, f.status]),
  );
  for (const d of facts.deadLetters ?? []) {
    if (d.fileId === undefined) continue;
    const stranded =
      (open.has(d.fileId) && d.attempt === (attemptOf.get(d.fileId) ?? 1)) ||
      (deleting.has(d.fileId) && d.type === 'file.delete');
    const status = open.get(d.fileId) ?? deleting.get(d.fileId);
    if (!stranded || status === undefined) continue;
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
