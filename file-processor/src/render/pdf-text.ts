import { fontChains, fontCovers, loadFont, type FontId, type LoadedFont, type TextStyle } from './fonts';
import { codePointLabel } from './substitution';

/**
 * One grapheme cluster as the PDF draws it: the text (the input's, or its substitute) and the
 * font that has a glyph for each of its visible characters.
 */
export interface Cluster {
  readonly text: string;
  readonly font: FontId;
  /** White space a line may break after (and which may hang past the right margin). */
  readonly breakAfter: boolean;
}

/** A tab is drawn as four spaces. */
const tabAsSpaces = '    ';
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** Invisible by definition (ZWJ, variation selectors, bidi controls, soft hyphen...): drawn with no width. */
const ignorable = /^\p{Default_Ignorable_Code_Point}$/u;
/** Spaces a line may break after: Zs except the no-break ones (U+00A0, U+2007, U+202F). */
const breakingSpace = /^(?![\u00a0\u2007\u202f])\p{Zs}+$/u;
const emojiPresentation = '\ufe0f';

/**
 * The clusters of one line of text (no line terminator in it) in the fonts of `style`. A cluster
 * goes to the first font of the chain that has all its visible characters (the emoji font first
 * when it asks for emoji presentation, U+FE0F). When no font has them all, each of its characters
 * goes alone to the first font that has it, and a character that no font has, or that is never
 * drawn (see `fontCovers`), becomes its `[U+XXXX]` label in the chain's first font.
 */
export function clustersOf(line: string, style: TextStyle): Cluster[] {
  const chain = fontChains[style].map(loadFont);
  const emojiFirst = [...chain].sort((a, b) => Number(b.id === 'emoji') - Number(a.id === 'emoji'));
  const clusters: Cluster[] = [];
  for (const { segment } of segmenter.segment(line.replaceAll('\t', tabAsSpaces))) {
    const chars = [...segment];
    const visible = chars.filter((c) => !ignorable.test(c));
    const order = segment.includes(emojiPresentation) ? emojiFirst : chain;
    const whole = order.find((f) => visible.every((c) => covers(f, c)));
    if (whole) {
      clusters.push({ text: segment, font: whole.id, breakAfter: breakingSpace.test(segment) });
      continue;
    }
    for (const c of chars) clusters.push(charCluster(c, chain));
  }
  return clusters;
}

function covers(font: LoadedFont, char: string): boolean {
  return fontCovers(font, char.codePointAt(0) ?? 0);
}

function charCluster(char: string, chain: readonly LoadedFont[]): Cluster {
  const first = chain[0]!.id;
  if (ignorable.test(char)) return { text: char, font: first, breakAfter: false };
  const font = chain.find((f) => covers(f, char));
  return font
    ? { text: char, font: font.id, breakAfter: false }
    : { text: codePointLabel(char.codePointAt(0) ?? 0), font: first, breakAfter: false };
}
