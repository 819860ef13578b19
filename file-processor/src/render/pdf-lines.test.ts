import { bidiParagraph, breakLines } from './pdf-lines';

describe('breakLines', () => {
  const words = (text: string) => [...text].map((c) => ({ width: 1, space: c === ' ' }));
  const lines = (text: string, max: number) => {
    const w = words(text);
    return breakLines(
      w.map((c) => c.width),
      w.map((c) => c.space),
      max,
    ).map((l) => [...text].slice(l.start, l.end).join(''));
  };

  it('breaks after the last space that fits, letting spaces hang', () => {
    expect(lines('aaa bbb ccc', 7)).toEqual(['aaa bbb ', 'ccc']);
    expect(lines('aaa bbb ccc', 3)).toEqual(['aaa ', 'bbb ', 'ccc']);
  });

  it('cuts a word wider than the line between clusters', () => {
    expect(lines('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(lines('ab abcdefgh', 4)).toEqual(['ab ', 'abcd', 'efgh']);
  });

  it('puts at least one cluster on a line, and an empty paragraph on one empty line', () => {
    expect(breakLines([5, 5], [false, false], 1)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
    ]);
    expect(breakLines([], [], 10)).toEqual([{ start: 0, end: 0 }]);
  });
});

describe('bidiParagraph', () => {
  const visual = (clusters: string[]) => {
    const p = bidiParagraph(clusters);
    return { rtl: p.rtl, order: p.visualOrder({ start: 0, end: clusters.length }).map((o) => clusters[o.index]) };
  };

  it('keeps a left-to-right paragraph in order', () => {
    expect(visual([...'ab c'])).toEqual({ rtl: false, order: [...'ab c'] });
  });

  it('reverses a right-to-left paragraph, keeping numbers left to right', () => {
    expect(visual([...'שלום 12'])).toEqual({ rtl: true, order: [...'12 םולש'] });
  });

  it('reverses a right-to-left run inside a left-to-right paragraph as a whole', () => {
    expect(visual([...'a שלום עולם b'])).toEqual({ rtl: false, order: [...'a םלוע םולש b'] });
  });

  it('keeps a cluster of several code units whole', () => {
    expect(visual(['ש', 'ל\u05b9', '👩🏽‍💻'])).toEqual({ rtl: true, order: ['👩🏽‍💻', 'ל\u05b9', 'ש'] });
  });
});
