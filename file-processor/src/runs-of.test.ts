import { runsOf } from './file-request-consumer';

describe('runsOf', () => {
  const r = (kind: 'create' | 'delete', n: number) => ({ kind, n });

  it('keeps the order and groups only neighbours of one kind', () => {
    const slice = [r('create', 1), r('create', 2), r('delete', 1), r('create', 3), r('delete', 2), r('delete', 3)];
    expect(runsOf(slice)).toEqual([
      [r('create', 1), r('create', 2)],
      [r('delete', 1)],
      [r('create', 3)],
      [r('delete', 2), r('delete', 3)],
    ]);
  });

  it('gives nothing for nothing', () => {
    expect(runsOf([])).toEqual([]);
  });
});
