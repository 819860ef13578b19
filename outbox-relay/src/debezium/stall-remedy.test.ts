import { stallRemedy, trackProgress } from './stall-remedy';

it('keeps when the confirmed position last moved', () => {
  const first = trackProgress(undefined, '0/10', 1_000);
  expect(first).toEqual({ lsn: '0/10', movedAt: 1_000 });
  expect(trackProgress(first, '0/10', 5_000)).toBe(first);
  expect(trackProgress(first, '0/20', 5_000)).toEqual({ lsn: '0/20', movedAt: 5_000 });
});

it('does nothing before the stall limit, then restarts, then re-creates, one remedy per limit', () => {
  expect(stallRemedy(59_999, 60_000, 0)).toBeUndefined();
  expect(stallRemedy(60_000, 60_000, 0)).toBe('restart');
  expect(stallRemedy(90_000, 60_000, 1)).toBeUndefined();
  expect(stallRemedy(120_000, 60_000, 1)).toBe('recreate');
  expect(stallRemedy(150_000, 60_000, 2)).toBeUndefined();
  expect(stallRemedy(180_000, 60_000, 2)).toBe('restart');
});
