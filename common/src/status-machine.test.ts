import { fileStatuses, type FileStatus } from './contracts';
import { decideTransition, isTerminal } from './status-machine';

describe('decideTransition', () => {
  const forward: Array<[FileStatus, FileStatus]> = [
    ['pending', 'processing'],
    ['pending', 'completed'],
    ['pending', 'failed'],
    ['processing', 'completed'],
    ['processing', 'failed'],
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
    expect(fileStatuses.filter(isTerminal)).toEqual(['completed', 'failed']);
  });
});
