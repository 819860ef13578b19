import { slowPublishes } from './slow-publishes';

it('locates the files published more than the threshold after their commit', () => {
  const files = [
    { commit: 1_000, published: 1_010 },
    { commit: 3_500, published: 4_000 },
    { commit: 3_700, published: 4_000 },
    { commit: 6_000, published: 6_020 },
  ];
  expect(slowPublishes(files, 100)).toEqual({ files: 2, fromS: 2.5, toS: 2.7, worstMs: 500 });
});

it('is undefined when nothing was late', () => {
  expect(slowPublishes([{ commit: 0, published: 5 }], 100)).toBeUndefined();
  expect(slowPublishes([], 100)).toBeUndefined();
});
