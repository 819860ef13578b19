import { fileStatuses, type FileStatus } from './contracts';
import {
  decideEvent,
  decideRetry,
  decideTransition,
  fileVersion,
  isTerminal,
  maxAttempt,
  type FileState,
} from './status-machine';

describe('decideTransition', () => {
  const forward: Array<[FileStatus, FileStatus]> = [
    ['pending', 'processing'],
    ['pending', 'completed'],
    ['pending', 'failed'],
    ['processing', 'completed'],
    ['processing', 'failed'],
    ['pending', 'expired'],
    ['processing', 'expired'],
    ['completed', 'expired'],
    ['failed', 'expired'],
  ];

  it.each(forward)('applies %s -> %s', (from, to) => {
    expect(decideTransition(from, to)).toEqual({ apply: true });
  });

  it('ignores every other pair, so a status never moves backwards or leaves a terminal state', () => {
    for (const from of fileStatuses) {
      for (const to of fileStatuses) {
        if (forward.some(([f, t]) => f === from && t === to)) continue;
        const d = decideTransition(from, to);
        expect(d.apply).toBe(false);
        expect(d).toHaveProperty('reason');
      }
    }
  });

  it('explains why a late processing after completed is ignored', () => {
    expect(decideTransition('completed', 'processing')).toEqual({
      apply: false,
      reason: 'completed is terminal; processing ignored',
    });
  });

  it('knows the terminal statuses', () => {
    expect(fileStatuses.filter(isTerminal)).toEqual(['completed', 'failed', 'expired']);
  });
});

describe('decideEvent', () => {
  it('applies an event of the current attempt by the status rules', () => {
    expect(decideEvent({ status: 'pending', attempt: 2 }, { status: 'processing', attempt: 2 })).toEqual({
      apply: true,
    });
    expect(decideEvent({ status: 'completed', attempt: 2 }, { status: 'processing', attempt: 2 })).toMatchObject({
      apply: false,
    });
  });

  it('never lets an event of an earlier attempt change a later one, even a forward move', () => {
    for (const status of fileStatuses.filter((s) => s !== 'expired')) {
      expect(decideEvent({ status: 'pending', attempt: 2 }, { status, attempt: 1 })).toEqual({
        apply: false,
        reason: 'attempt 1 is over (the file is on attempt 2)',
      });
    }
  });

  it('lets expiry end the file whatever attempt either is on, and nothing follow it', () => {
    expect(decideEvent({ status: 'processing', attempt: 3 }, { status: 'expired', attempt: 1 })).toEqual({
      apply: true,
    });
    expect(decideEvent({ status: 'failed', attempt: 1 }, { status: 'expired', attempt: 2 })).toEqual({ apply: true });
    for (const status of fileStatuses) {
      expect(decideEvent({ status: 'expired', attempt: 1 }, { status, attempt: 1 })).toMatchObject({ apply: false });
      expect(decideEvent({ status: 'expired', attempt: 1 }, { status, attempt: 2 })).toMatchObject({ apply: false });
    }
  });

  it('ignores an event of an attempt that was never started', () => {
    expect(decideEvent({ status: 'pending', attempt: 1 }, { status: 'completed', attempt: 2 })).toEqual({
      apply: false,
      reason: 'attempt 2 was never started (the file is on attempt 1)',
    });
  });
});

describe('decideRetry', () => {
  it('starts the next attempt of a failed file', () => {
    expect(decideRetry({ status: 'failed', attempt: 1 })).toEqual({ retry: true, attempt: 2 });
    expect(decideRetry({ status: 'failed', attempt: 7 })).toEqual({ retry: true, attempt: 8 });
  });

  it.each(['pending', 'processing', 'completed'] as const)('refuses a %s file, saying why', (status) => {
    expect(decideRetry({ status, attempt: 1 })).toEqual({
      retry: false,
      reason: `the file is ${status}; only a failed file can be retried`,
    });
  });

  it('refuses past the last attempt number the database can hold', () => {
    expect(decideRetry({ status: 'failed', attempt: maxAttempt })).toMatchObject({ retry: false });
  });
});

describe('fileVersion', () => {
  it('grows with every forward move and with every new attempt', () => {
    const path: FileState[] = [
      { status: 'pending', attempt: 1 },
      { status: 'processing', attempt: 1 },
      { status: 'failed', attempt: 1 },
      { status: 'pending', attempt: 2 },
      { status: 'processing', attempt: 2 },
      { status: 'completed', attempt: 2 },
    ];
    const versions = path.map(fileVersion);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(fileVersion({ status: 'completed', attempt: 1 })).toBe(fileVersion({ status: 'failed', attempt: 1 }));
  });
});
