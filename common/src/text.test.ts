import fc from 'fast-check';
import { codePointLength, hasNoLoneSurrogate, storableText, textPatterns } from './text';

const title = storableText('title', { max: 255, notBlank: true });
const description = storableText('description', { max: 10_000 });

it('counts characters, not UTF-16 code units', () => {
  expect(codePointLength('a😀é')).toBe(3);
  expect(title.safeParse('😀'.repeat(255)).success).toBe(true);
  expect(title.safeParse('😀'.repeat(256)).success).toBe(false);
});

it.each([
  ['', 'title must not be empty'],
  [' \t\u3000\ufeff', 'title must not be blank'],
  ['a\u0000', 'title must not contain the NUL character (U+0000)'],
  ['a\ud800', 'title must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)'],
])('refuses the title %j, naming the rule', (input, message) => {
  const r = title.safeParse(input);
  expect(r.success).toBe(false);
  expect(r.error?.issues.map((i) => i.message)).toContain(message);
});

/** What the published pattern says of `s` (as a JSON Schema validator reads it: ECMA-262, `u` flag). */
const patternAccepts = (pattern: string, s: string) => new RegExp(pattern, 'u').test(s);

it('the published patterns accept exactly the texts the schemas accept (length aside)', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({
      unit: fc.constantFrom(' ', '\t', '\u3000', '\ufeff', '\u0000', '\ud800', 'a', '😀', '\u001c', '\u0085'),
    }),
  );
  fc.assert(
    fc.property(text, (s) => {
      const short = [...s].slice(0, 100).join('');
      if (!hasNoLoneSurrogate(short)) return; // not Unicode text: no pattern names it (see textPatterns)
      expect(patternAccepts(textPatterns.storableNotBlank, short)).toBe(title.safeParse(short).success);
      expect(patternAccepts(textPatterns.storable, short)).toBe(description.safeParse(short).success);
    }),
    { numRuns: 2_000 },
  );
});
