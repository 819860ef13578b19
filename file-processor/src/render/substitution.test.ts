import { codePointLabel, labelMatches, splitLines } from './substitution';

it('labels a code point as [U+XXXX], upper-case hex, at least four digits', () => {
  expect(codePointLabel(0x1)).toBe('[U+0001]');
  expect(codePointLabel(0xfffe)).toBe('[U+FFFE]');
  expect(codePointLabel(0x10ffff)).toBe('[U+10FFFF]');
});

it('replaces each matched character, astral ones whole, with its label', () => {
  expect(labelMatches('a\u0001b\u{1fffe}c', /[\u0001\u{1fffe}]/gu)).toBe('a[U+0001]b[U+1FFFE]c');
});

it('splits lines at CR LF, CR and LF', () => {
  expect(splitLines('a\r\nb\rc\nd')).toEqual(['a', 'b', 'c', 'd']);
  expect(splitLines('')).toEqual(['']);
  expect(splitLines('\n')).toEqual(['', '']);
});
