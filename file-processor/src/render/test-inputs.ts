import fc from 'fast-check';

/**
 * Inputs the API accepts that are awkward to render (for the renderers' tests): every control
 * character but NUL, noncharacters, private use, stacked combining marks, emoji sequences, RTL and
 * bidi controls, CJK, and descriptions of 10,000 characters without a space.
 */
const controls = String.fromCodePoint(...range(0x01, 0x1f), ...range(0x7f, 0x9f));

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Mixed-script text with spaces (all code points, so `repeat` stays within the limits). */
const mixed = 'Ünïcødé Привет Γειά שלום مرحبا 🎉📄 ';

export const sampleTitle = 'Ünïcødé Привет Γειά שלום مرحبا 🎉📄';

export const awkwardTitles: readonly string[] = [
  sampleTitle,
  controls,
  '\ufffe\uffff\ufdd0\u{1fffe}\u{10ffff} \ue000\u{f0000}',
  `Z${'\u0301\u0308\u0323'.repeat(80)}`,
  '👨‍👩‍👧‍👦 🏳️‍🌈 👩🏽‍💻 🇺🇳 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣ ❤️',
  'שלום עולם',
  'مرحبا بالعالم',
  'עברית 123 English (סוגריים) عربي ١٢٣',
  '\u202eRLO without PDF \u2067isolate without PDI \u200f',
  '中文 日本語 한국어',
  '\u200d',
  '\u00ad\u200b\ufeff',
  'x'.repeat(255),
  '😀'.repeat(255),
  'a\tb\r\nc\rd\ne',
];

export const awkwardDescriptions: readonly string[] = [
  '',
  'x'.repeat(10_000),
  'م'.repeat(10_000),
  '😀'.repeat(10_000),
  '👨‍👩‍👧'.repeat(2_000),
  '中'.repeat(10_000),
  '\n'.repeat(10_000),
  controls.repeat(150),
  mixed.repeat(Math.floor(10_000 / [...mixed].length)),
  `line\r\nline\rline\n\n\t\ttabbed\n${'\u0301'.repeat(500)}`,
];

/** Any text of the given length in code points drawn from the awkward units above (and any code point). */
export function awkwardText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.constantFrom(...[...controls], '\n', '\r\n', '\t', ' ', '\u200d', '\u0301', '\ufe0f', '\u202e', '\ufffe'),
    fc.constantFrom(...[...mixed], '中', '👩🏽‍💻', '🇺🇳', 'ע', 'ب', '١', 'x'),
    fc
      .integer({ min: 1, max: 0x10ffff })
      .filter((cp) => cp < 0xd800 || cp > 0xdfff)
      .map((cp) => String.fromCodePoint(cp)),
  );
  return fc
    .array(unit, { minLength, maxLength })
    .map((units) => [...units.join('')].slice(0, maxLength).join(''))
    .filter((s) => [...s].length >= minLength && (minLength === 0 || s.trim().length > 0));
}
