import { clustersOf } from './pdf-text';

const drawn = (text: string, style: 'title' | 'body' = 'body') => clustersOf(text, style).map((c) => [c.text, c.font]);

it('draws Latin, Greek, Cyrillic, Hebrew and Arabic in DejaVu Sans (bold in the title)', () => {
  expect(new Set(clustersOf('Ünïcødé Привет Γειά שלום مرحبا', 'body').map((c) => c.font))).toEqual(new Set(['sans']));
  expect(new Set(clustersOf('Ünïcødé Привет Γειά שלום مرحبا', 'title').map((c) => c.font))).toEqual(
    new Set(['sansBold']),
  );
});

it('draws emoji, sequences whole, in Noto Emoji, and text-style symbols asking for emoji too', () => {
  expect(drawn('🎉👩🏽‍💻🇺🇳❤️')).toEqual([
    ['🎉', 'emoji'],
    ['👩🏽‍💻', 'emoji'],
    ['🇺🇳', 'emoji'],
    ['❤️', 'emoji'],
  ]);
  expect(drawn('❤')).toEqual([['❤', 'sans']]);
});

it('keeps combining marks with their base', () => {
  expect(drawn('e\u0301\u0323')).toEqual([['e\u0301\u0323', 'sans']]);
});

it('labels controls, noncharacters, private use and characters no font has', () => {
  expect(drawn('\u0001\u001f\u007f\u0085\ufffe\u{10ffff}\ue000中').map(([t]) => t)).toEqual([
    '[U+0001]',
    '[U+001F]',
    '[U+007F]',
    '[U+0085]',
    '[U+FFFE]',
    '[U+10FFFF]',
    '[U+E000]',
    '[U+4E2D]',
  ]);
});

it('labels only the missing character of a cluster and keeps the others', () => {
  expect(drawn('a\u{1acf}')).toEqual([
    ['a', 'sans'],
    ['[U+1ACF]', 'sans'],
  ]);
});

it('draws a tab as four spaces, each a place to break', () => {
  expect(clustersOf('a\tb', 'body').map((c) => [c.text, c.breakAfter])).toEqual([
    ['a', false],
    [' ', true],
    [' ', true],
    [' ', true],
    [' ', true],
    ['b', false],
  ]);
});

it('does not break at a no-break space', () => {
  expect(clustersOf('a\u00a0b', 'body').map((c) => c.breakAfter)).toEqual([false, false, false]);
});

it('keeps default-ignorable characters (drawn with no width) rather than labelling them', () => {
  expect(drawn('\u200d\u00ad\u2067')).toEqual([
    ['\u200d', 'sans'],
    ['\u00ad', 'sans'],
    ['\u2067', 'sans'],
  ]);
});
