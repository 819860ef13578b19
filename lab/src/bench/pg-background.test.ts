import { describeBackground, pgBackground, type PgActivity } from './pg-background';

const at = (fpi: number, checkpoints: number | undefined, vacuums: Record<string, number>): PgActivity => ({
  fpi,
  checkpoints,
  vacuums,
});

it('names the tables autovacuum went through, new ones included, and counts checkpoints and images', () => {
  const b = pgBackground(at(100, 4, { files: 2, inbox: 1 }), at(1_100, 5, { files: 3, inbox: 1, outbox: 1 }));
  expect(b).toEqual({ fpi: 1_000, checkpoints: 1, vacuumed: ['files', 'outbox'] });
  expect(describeBackground(b, 2_000)).toBe(
    'PostgreSQL meanwhile: 0.50 full-page images a file, 1 checkpoint, autovacuum of files, outbox',
  );
});

it('says only the images when nothing else ran, and leaves out checkpoints it cannot count', () => {
  const quiet = pgBackground(at(0, 4, { files: 2 }), at(30, 4, { files: 2 }));
  expect(describeBackground(quiet, 1_000)).toBe('PostgreSQL meanwhile: 0.03 full-page images a file');
  const old = pgBackground(at(0, undefined, {}), at(0, undefined, {}));
  expect(old.checkpoints).toBeUndefined();
  expect(describeBackground(old, 0)).toBe('PostgreSQL meanwhile: n/a full-page images a file');
});
