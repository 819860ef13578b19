import type { AuditFacts } from './facts';
import { judge } from './judge';

const render = (f: { title: string; description: string | null }) => Buffer.from(`${f.title}|${f.description ?? ''}`);
const now = new Date('2026-11-24T12:00:00Z');
const limits = { maxNonTerminalAgeMs: 60_000, maxOutboxAgeMs: 30_000 };

function facts(patch: Partial<AuditFacts> = {}): AuditFacts {
  return {
    now,
    files: [
      {
        id: 1,
        title: 'a',
        description: 'x',
        status: 'completed',
        s3Location: 's3://b/p/1.txt',
        error: null,
        createdAt: now,
        format: 'txt' as const,
        deletionRequestedAt: null,
      },
      {
        id: 2,
        title: 'b',
        description: null,
        status: 'failed',
        s3Location: 's3://b/p/2.txt',
        error: 'boom',
        createdAt: now,
        format: 'txt' as const,
        deletionRequestedAt: null,
      },
    ],
    transitions: [
      { fileId: 1, from: null, to: 'pending', attempt: 1 },
      { fileId: 1, from: 'pending', to: 'processing', attempt: 1 },
      { fileId: 1, from: 'processing', to: 'completed', attempt: 1 },
      { fileId: 2, from: null, to: 'pending', attempt: 1 },
      { fileId: 2, from: 'pending', to: 'failed', attempt: 1 },
    ],
    objects: new Map([['p/1.txt', Buffer.from('a|x')]]),
    outbox: { count: 0, oldestAgeMs: null },
    inbox: { applied: 3, ignored: 0, duplicatesSeen: 2 },
    bucket: 'b',
    keyPrefix: 'p/',
    ...patch,
  };
}

const kinds = (f: AuditFacts) => judge(f, limits, render).violations.map((v) => v.kind);

describe('judge', () => {
  it('passes a consistent state and summarises it', () => {
    const report = judge(facts(), limits, render);
    expect(report.violations).toEqual([]);
    expect(report.summary).toMatchObject({
      files: 2,
      byStatus: { completed: 1, failed: 1 },
      objects: 1,
      inboxDuplicatesSeen: 2,
    });
  });

  it('finds a missing object', () => {
    expect(kinds(facts({ objects: new Map() }))).toEqual(['object-missing']);
  });

  it('finds a corrupted object', () => {
    expect(kinds(facts({ objects: new Map([['p/1.txt', Buffer.from('tampered')]]) }))).toEqual([
      'object-content-mismatch',
    ]);
  });

  it('finds an object with no file', () => {
    expect(
      kinds(
        facts({
          objects: new Map([
            ['p/1.txt', Buffer.from('a|x')],
            ['p/9.txt', Buffer.from('z')],
          ]),
        }),
      ),
    ).toEqual(['orphan-object']);
  });

  it('finds an expired file whose object is still there, and counts it an orphan', () => {
    const f = facts();
    const expired = { ...f.files[0]!, status: 'expired' as const, s3Location: null, deletionRequestedAt: now };
    expect(kinds({ ...f, files: [expired, f.files[1]!] })).toEqual(['expired-object-present', 'orphan-object']);
  });

  it('does not count the object of a file being deleted missing, nor its object an orphan', () => {
    const f = facts();
    const deleting = { ...f.files[0]!, deletionRequestedAt: now };
    expect(kinds({ ...f, files: [deleting, f.files[1]!] })).toEqual([]);
    expect(kinds({ ...f, files: [deleting, f.files[1]!], objects: new Map() })).toEqual([]);
  });

  it('finds a deletion asked for long ago and not done', () => {
    const f = facts();
    const old = new Date(now.getTime() - 120_000);
    expect(kinds({ ...f, files: [{ ...f.files[0]!, deletionRequestedAt: old }, f.files[1]!] })).toEqual(['stuck']);
  });

  it('checks a PDF file under its own key, and counts the text key of it an orphan', () => {
    const f = facts();
    const pdf = { ...f.files[0]!, format: 'pdf' as const, s3Location: 's3://b/p/1.pdf' };
    expect(kinds({ ...f, files: [pdf, f.files[1]!], objects: new Map([['p/1.pdf', Buffer.from('a|x')]]) })).toEqual([]);
    expect(kinds({ ...f, files: [pdf, f.files[1]!] })).toEqual(['object-missing', 'orphan-object']);
  });

  it('finds a status that moved backwards', () => {
    const f = facts();
    expect(
      kinds({ ...f, transitions: [...f.transitions, { fileId: 1, from: 'completed', to: 'processing', attempt: 1 }] }),
    ).toEqual(['status-regression']);
  });

  it('finds a status applied twice', () => {
    const f = facts();
    expect(
      kinds({
        ...f,
        transitions: [
          ...f.transitions,
          { fileId: 2, from: 'failed', to: 'pending', attempt: 1 },
          { fileId: 2, from: 'pending', to: 'failed', attempt: 1 },
        ],
      }),
    ).toEqual(['status-regression', 'applied-twice']);
  });

  it('accepts failed -> pending as the start of the next attempt, and that attempt reaching its own outcome', () => {
    const f = facts();
    const retried = [
      ...f.transitions,
      { fileId: 2, from: 'failed', to: 'pending', attempt: 2 },
      { fileId: 2, from: 'pending', to: 'processing', attempt: 2 },
      { fileId: 2, from: 'processing', to: 'failed', attempt: 2 },
      { fileId: 2, from: 'failed', to: 'pending', attempt: 3 },
      { fileId: 2, from: 'pending', to: 'completed', attempt: 3 },
    ] as const;
    expect(kinds({ ...f, transitions: retried })).toEqual([]);
  });

  it('finds a way back that is not a new attempt, and an attempt that changes otherwise', () => {
    const f = facts();
    const report = judge(
      {
        ...f,
        transitions: [
          ...f.transitions,
          { fileId: 2, from: 'failed', to: 'pending', attempt: 3 }, // skips attempt 2
          { fileId: 1, from: 'completed', to: 'pending', attempt: 2 }, // only a failed file is retried
          { fileId: 1, from: 'pending', to: 'processing', attempt: 1 }, // back to an older attempt
        ],
      },
      limits,
      render,
    );
    expect(report.violations.map((v) => [v.kind, v.fileId, v.detail])).toEqual([
      ['status-regression', 2, 'failed -> pending (attempt 1 -> 3)'],
      ['status-regression', 1, 'completed -> pending (attempt 1 -> 2)'],
      ['status-regression', 1, 'pending -> processing (attempt 2 -> 1)'],
    ]);
  });

  it('finds stuck files, reasonless failures and an old outbox backlog', () => {
    const old = new Date(now.getTime() - 120_000);
    const f = facts({
      files: [
        {
          id: 3,
          title: 'c',
          description: '',
          status: 'pending',
          s3Location: null,
          error: null,
          createdAt: old,
          format: 'txt' as const,
          deletionRequestedAt: null,
        },
        {
          id: 4,
          title: 'd',
          description: '',
          status: 'failed',
          s3Location: null,
          error: null,
          createdAt: now,
          format: 'txt' as const,
          deletionRequestedAt: null,
        },
      ],
      transitions: [],
      objects: new Map(),
      outbox: { count: 5, oldestAgeMs: 45_000 },
    });
    expect(kinds(f)).toEqual(['stuck', 'failed-without-reason', 'outbox-backlog']);
  });

  it('flags a file not final whose record of its current attempt sits in a dead-letter topic', () => {
    const pending = {
      id: 3,
      title: 'c',
      description: 'x',
      status: 'pending' as const,
      s3Location: null,
      error: null,
      createdAt: now,
      format: 'txt' as const,
      deletionRequestedAt: null,
    };
    const base = facts();
    const withFile = {
      files: [...base.files, pending],
      transitions: [...base.transitions, { fileId: 3, from: null, to: 'pending' as const, attempt: 1 }],
    };
    const report = judge(
      facts({
        ...withFile,
        deadLetters: [
          { fileId: 3, topic: 'file.create', attempt: 1, reason: 'invalid headers' },
          { fileId: 1, topic: 'file.create', attempt: 1, reason: 'completed anyway: not stranded' },
          { fileId: 3, topic: 'file.create', attempt: 2, reason: 'another attempt' },
          { fileId: undefined, topic: 'file.created', attempt: 1, reason: 'no key' },
        ],
      }),
      limits,
      render,
    );
    expect(report.violations).toEqual([
      {
        kind: 'request-dead-lettered',
        fileId: 3,
        detail: 'pending, and its file.create record is in file.create.dlq (npm run dlq:replay): invalid headers',
      },
    ]);
    expect(report.summary.deadLetters).toBe(4);
    expect(judge(facts(withFile), limits, render).summary.deadLetters).toBeNull();
  });
});
