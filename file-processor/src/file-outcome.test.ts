import { deterministicId, topicsWithSuffix, type RetryBudget } from '@fileflow/common';
import {
  decideOutcome,
  deleteOutcomeRecords,
  outcomeRecords,
  type DeleteRequest,
  type FileRequest,
} from './file-outcome';

const budget: RetryBudget = { budgetMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 8_000, factor: 2 };
const t0 = Date.parse('2026-12-03T10:00:00.000Z');
const ctx = { location: 's3://b/f/1.txt', firstFailedAt: t0, budget, random: () => 1 };

describe('decideOutcome', () => {
  it('completes a done upload', () => {
    expect(decideOutcome({ ok: true }, { ...ctx, round: 0, now: t0 })).toEqual({
      status: 'completed',
      s3Location: 's3://b/f/1.txt',
    });
  });

  it('fails at once on an error no retry fixes, saying so', () => {
    expect(
      decideOutcome(
        {
          ok: false,
          kind: 'permanent',
          error: 'the storage bucket does not exist (NoSuchBucket)',
          reason: 'NoSuchBucket',
          detail: 'x',
        },
        { ...ctx, round: 0, now: t0 },
      ),
    ).toEqual({
      status: 'failed',
      error: 'the upload failed and retrying cannot help: the storage bucket does not exist (NoSuchBucket)',
    });
  });

  const failure = {
    ok: false,
    kind: 'transient',
    error: 'the storage could not be reached (ECONNREFUSED)',
    reason: 'ECONNREFUSED',
    detail: 'Error: connect ECONNREFUSED 127.0.0.1:4566',
  } as const;

  it('hands a transient failure to the next round, due after the backoff', () => {
    expect(decideOutcome(failure, { ...ctx, round: 0, now: t0 + 500 })).toEqual({
      status: 'retrying',
      retry: {
        round: 1,
        firstFailedAt: t0,
        notBefore: t0 + 1_500,
        lastError: 'the storage could not be reached (ECONNREFUSED)',
      },
    });
    expect(decideOutcome(failure, { ...ctx, round: 4, now: t0 + 20_000 })).toMatchObject({
      retry: { round: 5, notBefore: t0 + 28_000 },
    });
  });

  it('fails once the budget is spent, with how long and how often it tried and the last error', () => {
    expect(decideOutcome(failure, { ...ctx, round: 11, now: t0 + 60_200 })).toEqual({
      status: 'failed',
      error:
        'the upload kept failing for 60 s (11 retry rounds, budget 60 s): the storage could not be reached (ECONNREFUSED); retry the file once the storage is back',
    });
  });
});

describe('outcomeRecords', () => {
  const topics = topicsWithSuffix('x');
  const request = (fileId: number, attempt?: number): FileRequest => ({
    request: {
      fileId,
      title: 't',
      description: 'd',
      timestamp: '2026-12-03T09:59:59.000Z',
      ...(attempt ? { attempt } : {}),
    },
    headers: { id: `00000000-0000-4000-8000-00000000000${fileId}`, type: 'file.create' },
    original: { value: Buffer.from(`{"fileId":${fileId}}`), headers: { id: Buffer.from('orig'), type: 'file.create' } },
  });

  it('announces final outcomes on file.created (carrying the attempt) and forwards the rest as they came', () => {
    const out = outcomeRecords(
      { topics, bucket: 'b', keyPrefix: 'f/', now: new Date(t0) },
      [request(1), request(2, 3)],
      [
        { status: 'retrying', retry: { round: 2, firstFailedAt: t0, notBefore: t0 + 900, lastError: 'boom' } },
        { status: 'completed', s3Location: 's3://b/f/2.txt' },
      ],
    );
    expect(out.map((t) => [t.topic, t.messages.length])).toEqual([
      [topics.fileCreated, 1],
      [topics.fileCreateRetry, 1],
    ]);
    const created = out[0]?.messages[0];
    expect(JSON.parse(String(created?.value))).toEqual({
      fileId: 2,
      title: 't',
      s3Location: 's3://b/f/2.txt',
      status: 'completed',
      timestamp: '2026-12-03T10:00:00.000Z',
      attempt: 3,
    });
    expect(created?.headers).toMatchObject({
      id: deterministicId('00000000-0000-4000-8000-000000000002', 'file.created'),
    });
    const forwarded = out[1]?.messages[0];
    expect(forwarded?.key).toBe('1');
    expect(String(forwarded?.value)).toBe('{"fileId":1}');
    expect(forwarded?.headers).toMatchObject({
      type: 'file.create',
      'retry-round': '2',
      'retry-not-before': new Date(t0 + 900).toISOString(),
      'retry-last-error': 'boom',
    });
  });

  it('leaves the attempt out for a request that had none', () => {
    const [t] = outcomeRecords(
      { topics, bucket: 'b', keyPrefix: 'f/', now: new Date(t0) },
      [request(1)],
      [{ status: 'failed', error: 'e' }],
    );
    expect(JSON.parse(String(t?.messages[0]?.value))).not.toHaveProperty('attempt');
  });
});

describe('deleteOutcomeRecords', () => {
  const topics = topicsWithSuffix('x');
  const deletion = (fileId: number): DeleteRequest => ({
    request: { fileId, format: 'pdf', reason: 'expired', timestamp: '2026-12-03T09:59:59.000Z' },
    headers: { id: `00000000-0000-4000-8000-00000000000${fileId}`, type: 'file.delete' },
    original: { value: Buffer.from(`{"fileId":${fileId}}`), headers: { type: 'file.delete' } },
  });

  it('announces done deletions on file.created as file.deleted, retries the transient ones, and says nothing of the failed', () => {
    const out = deleteOutcomeRecords(
      { topics, bucket: 'b', keyPrefix: 'f/', now: new Date(t0) },
      [deletion(1), deletion(2), deletion(3)],
      [
        { status: 'completed', s3Location: 's3://b/f/1.pdf' },
        { status: 'retrying', retry: { round: 1, firstFailedAt: t0, notBefore: t0 + 500, lastError: 'down' } },
        { status: 'failed', error: 'denied' },
      ],
    );
    expect(out.map((t) => [t.topic, t.messages.length])).toEqual([
      [topics.fileCreated, 1],
      [topics.fileCreateRetry, 1],
    ]);
    const deleted = out[0]?.messages[0];
    expect(JSON.parse(String(deleted?.value))).toEqual({
      fileId: 1,
      status: 'expired',
      s3Location: 's3://b/f/1.pdf',
      timestamp: '2026-12-03T10:00:00.000Z',
    });
    expect(deleted?.headers).toMatchObject({
      type: 'file.deleted',
      id: deterministicId('00000000-0000-4000-8000-000000000001', 'file.deleted'),
    });
    expect(out[1]?.messages[0]?.headers).toMatchObject({ type: 'file.delete', 'retry-round': '1' });
  });
});
