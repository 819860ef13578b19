import type { FileFormat, FileStatus } from '@fileflow/common';

/** A record in a dead-letter topic, as it concerns a file. */
export interface DeadLetterFact {
  /** The file it is about (its key), if it names one. */
  readonly fileId: number | undefined;
  /** The topic it was consumed from. */
  readonly topic: string;
  /** The attempt it belongs to (1 when it says none). */
  readonly attempt: number;
  readonly reason: string;
  /** Its `type` header (`file.create`, `file.delete`, …), when it has one. */
  readonly type?: string | undefined;
}

/** What the audit reads from Postgres, S3 and the outbox, before judging anything. */
export interface AuditFacts {
  readonly now: Date;
  readonly files: readonly {
    id: number;
    title: string;
    description: string | null;
    status: FileStatus;
    format: FileFormat;
    s3Location: string | null;
    error: string | null;
    createdAt: Date;
    /** When its deletion was asked for (null: not). */
    deletionRequestedAt: Date | null;
  }[];
  /** Every status change in order; `attempt` is the file's attempt after it. */
  readonly transitions: readonly { fileId: number; from: FileStatus | null; to: FileStatus; attempt: number }[];
  /** Objects under the audited prefix: key -> content (undefined when not fetched). */
  readonly objects: ReadonlyMap<string, Buffer | undefined>;
  readonly outbox: { count: number; oldestAgeMs: number | null };
  readonly inbox: { applied: number; ignored: number; duplicatesSeen: number };
  /** Records in the services' dead-letter topics (undefined: Kafka was not read). */
  readonly deadLetters?: readonly DeadLetterFact[];
  /** Outbox rows the broker refused for good (their files are failed with the reason). */
  readonly outboxDeadLetters?: number;
  readonly bucket: string;
  readonly keyPrefix: string;
}

export type ViolationKind =
  | 'stuck'
  | 'request-dead-lettered'
  | 'object-missing'
  | 'object-content-mismatch'
  | 'orphan-object'
  | 'expired-object-present'
  | 'status-regression'
  | 'applied-twice'
  | 'failed-without-reason'
  | 'outbox-backlog';

export interface Violation {
  readonly kind: ViolationKind;
  readonly fileId?: number;
  readonly key?: string;
  readonly detail: string;
}

export interface AuditReport {
  readonly summary: {
    files: number;
    byStatus: Record<FileStatus, number>;
    oldestNonTerminalAgeMs: number | null;
    outboxBacklog: number;
    outboxOldestAgeMs: number | null;
    objects: number;
    inboxApplied: number;
    inboxIgnored: number;
    inboxDuplicatesSeen: number;
    /** Dead-letter records read from Kafka (null: not read). */
    deadLetters: number | null;
    outboxDeadLetters: number;
  };
  readonly violations: readonly Violation[];
}
