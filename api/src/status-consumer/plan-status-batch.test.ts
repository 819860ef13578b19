import type { FileStatus } from '@fileflow/common';
import { planStatusBatch, type ReceivedStatusEvent } from './plan-status-batch';

const processing = (fileId: number, id: string): ReceivedStatusEvent => ({
  event: { fileId, status: 'processing', timestamp: '2026-11-24T00:00:00.000Z' },
  headers: { id, type: 'file.processing' },
});
const created = (fileId: number, id: string, status: 'completed' | 'failed' = 'completed'): ReceivedStatusEvent => ({
  event: {
    fileId,
    title: 't',
    s3Location: `s3://b/files/${fileId}.txt`,
    status,
    ...(status === 'failed' ? { error: 'boom' } : {}),
    timestamp: '2026-11-24T00:00:00.000Z',
  },
  headers: { id, type: 'file.created' },
});
/** What a change records of when: the events' own time; no publish time without the header. */
const times = { reportedAt: new Date('2026-11-24T00:00:00.000Z'), publishedAt: null };
const plan = (statuses: Array<[number, FileStatus]>, events: ReceivedStatusEvent[]) =>
  planStatusBatch('c', new Map(statuses.map(([id, status]) => [id, { status, attempt: 1 }])), events);
const ofAttempt = (attempt: number, e: ReceivedStatusEvent): ReceivedStatusEvent =>
  ({ ...e, event: { ...e.event, attempt } }) as ReceivedStatusEvent;

it('applies forward moves; the last one per file is what is written, with the terminal fields', () => {
  const p = plan([[1, 'pending']], [processing(1, 'a'), created(1, 'b')]);
  expect(p.outcomes).toEqual([{ kind: 'applied' }, { kind: 'applied' }]);
  expect(p.changes).toEqual([{ id: 1, status: 'completed', s3Location: 's3://b/files/1.txt', error: null, ...times }]);
  expect(p.receipts.map((r) => [r.messageId, r.outcome])).toEqual([
    ['a', 'applied'],
    ['b', 'applied'],
  ]);
});

it('ignores backward moves against the status left by earlier events of the batch, with the reason', () => {
  const p = plan([[1, 'pending']], [created(1, 'b', 'failed'), processing(1, 'a')]);
  expect(p.outcomes).toEqual([
    { kind: 'applied' },
    { kind: 'ignored', reason: 'failed is terminal; processing ignored' },
  ]);
  expect(p.changes).toEqual([{ id: 1, status: 'failed', s3Location: 's3://b/files/1.txt', error: 'boom', ...times }]);
  expect(p.receipts[1]).toMatchObject({ outcome: 'ignored', detail: 'failed is terminal; processing ignored' });
});

it('counts a message repeated in the batch once, with its repeats', () => {
  const p = plan([[2, 'pending']], [processing(2, 'x'), processing(2, 'x'), processing(2, 'x')]);
  expect(p.outcomes.map((o) => o.kind)).toEqual(['applied', 'duplicate', 'duplicate']);
  expect(p.receipts.map((r) => [r.messageId, r.outcome, r.repeats])).toEqual([['x', 'applied', 2]]);
  expect(p.changes).toEqual([{ id: 2, status: 'processing', ...times }]);
});

it('decides a message taken before as ignored (its effect is already there), so it changes nothing', () => {
  // `seen` was applied before: the file moved on to completed since.
  const p = plan([[1, 'completed']], [processing(1, 'seen'), created(1, 'seen-too')]);
  expect(p.outcomes.map((o) => o.kind)).toEqual(['ignored', 'ignored']);
  expect(p.changes).toEqual([]);
});

it('reports events of unknown files and writes nothing for them', () => {
  const p = plan([], [created(9, 'z')]);
  expect(p.outcomes).toEqual([{ kind: 'unknown-file' }]);
  expect(p.receipts).toEqual([]);
  expect(p.changes).toEqual([]);
});

describe('attempts', () => {
  const onAttempt2 = (status: FileStatus, events: ReceivedStatusEvent[]) =>
    planStatusBatch('c', new Map([[1, { status, attempt: 2 }]]), events);

  it('ignores every event of an earlier attempt, with the reason, and changes nothing', () => {
    const p = onAttempt2('pending', [
      processing(1, 'old-p'),
      created(1, 'old-c', 'failed'),
      ofAttempt(1, created(1, 'x')),
    ]);
    expect(p.outcomes).toEqual([
      { kind: 'ignored', reason: 'attempt 1 is over (the file is on attempt 2)' },
      { kind: 'ignored', reason: 'attempt 1 is over (the file is on attempt 2)' },
      { kind: 'ignored', reason: 'attempt 1 is over (the file is on attempt 2)' },
    ]);
    expect(p.changes).toEqual([]);
    expect(p.receipts.map((r) => r.outcome)).toEqual(['ignored', 'ignored', 'ignored']);
  });

  it("applies the current attempt's events, also when an older one is interleaved", () => {
    const p = onAttempt2('pending', [
      ofAttempt(2, processing(1, 'p2')),
      created(1, 'c1', 'failed'),
      ofAttempt(2, created(1, 'c2')),
    ]);
    expect(p.outcomes.map((o) => o.kind)).toEqual(['applied', 'ignored', 'applied']);
    expect(p.changes).toEqual([
      { id: 1, status: 'completed', s3Location: 's3://b/files/1.txt', error: null, ...times },
    ]);
  });

  it('ignores an event of an attempt the file has not started', () => {
    const p = plan([[1, 'failed']], [ofAttempt(2, created(1, 'future'))]);
    expect(p.outcomes).toEqual([{ kind: 'ignored', reason: 'attempt 2 was never started (the file is on attempt 1)' }]);
  });
});

it('keeps when the request reached Kafka, from the event that carries it', () => {
  const publishedAt = new Date('2026-11-23T23:59:59.000Z');
  const p = plan([[3, 'pending']], [{ ...processing(3, 'p'), publishedAt }, created(3, 'c')]);
  expect(p.changes).toEqual([
    {
      id: 3,
      status: 'completed',
      s3Location: 's3://b/files/3.txt',
      error: null,
      reportedAt: times.reportedAt,
      publishedAt,
    },
  ]);
});

describe('deletion', () => {
  const deleted = (fileId: number, id: string): ReceivedStatusEvent => ({
    event: {
      fileId,
      status: 'expired',
      s3Location: `s3://b/files/${fileId}.txt`,
      timestamp: '2026-11-24T00:00:00.000Z',
    },
    headers: { id, type: 'file.deleted' },
  });
  const deleting = (status: FileStatus, attempt = 1) =>
    new Map([[1, { status, attempt, deletionRequested: true, format: 'pdf' as const }]]);

  it('expires a file whatever its status and attempt, keeping no location; nothing moves it after', () => {
    const p = planStatusBatch('c', deleting('failed', 3), [deleted(1, 'd'), created(1, 'late')]);
    expect(p.outcomes).toEqual([
      { kind: 'applied' },
      { kind: 'ignored', reason: 'expired is terminal; completed ignored' },
    ]);
    expect(p.changes).toEqual([{ id: 1, status: 'expired', s3Location: null, ...times }]);
  });

  it('asks for the deletion again, once, when an upload ends after the deletion was asked for', () => {
    const p = planStatusBatch('c', deleting('processing'), [created(1, 'a'), created(1, 'a'), deleted(1, 'd')]);
    expect(p.deleteAgain).toEqual([{ id: 1, format: 'pdf' }]);
  });

  it('asks again for an upload reported after the file expired, repeats included', () => {
    expect(planStatusBatch('c', deleting('expired'), [created(1, 'late')]).deleteAgain).toEqual([
      { id: 1, format: 'pdf' },
    ]);
  });

  it('asks nothing again for a failed upload, or for a file whose deletion was not asked for', () => {
    expect(planStatusBatch('c', deleting('processing'), [created(1, 'f', 'failed')]).deleteAgain).toEqual([]);
    expect(plan([[1, 'processing']], [created(1, 'a')]).deleteAgain).toEqual([]);
  });
});
