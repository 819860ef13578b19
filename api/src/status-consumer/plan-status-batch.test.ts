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
const plan = (statuses: Array<[number, FileStatus]>, events: ReceivedStatusEvent[]) =>
  planStatusBatch('c', new Map(statuses), events);

it('applies forward moves; the last one per file is what is written, with the terminal fields', () => {
  const p = plan([[1, 'pending']], [processing(1, 'a'), created(1, 'b')]);
  expect(p.outcomes).toEqual([{ kind: 'applied' }, { kind: 'applied' }]);
  expect(p.changes).toEqual([{ id: 1, status: 'completed', s3Location: 's3://b/files/1.txt', error: null }]);
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
  expect(p.changes).toEqual([{ id: 1, status: 'failed', s3Location: 's3://b/files/1.txt', error: 'boom' }]);
  expect(p.receipts[1]).toMatchObject({ outcome: 'ignored', detail: 'failed is terminal; processing ignored' });
});

it('counts a message repeated in the batch once, with its repeats', () => {
  const p = plan([[2, 'pending']], [processing(2, 'x'), processing(2, 'x'), processing(2, 'x')]);
  expect(p.outcomes.map((o) => o.kind)).toEqual(['applied', 'duplicate', 'duplicate']);
  expect(p.receipts.map((r) => [r.messageId, r.outcome, r.repeats])).toEqual([['x', 'applied', 2]]);
  expect(p.changes).toEqual([{ id: 2, status: 'processing' }]);
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
