import { bidi } from './bidi';

/** A line: the clusters `[start, end)` of its paragraph. */
export interface Line {
  readonly start: number;
  readonly end: number;
}

/**
 * Greedy line breaking: a line ends after the last white space that still fits, or, when a word
 * alone is wider than the line, before the first cluster that does not fit (a long word is cut
 * between grapheme clusters). White space at the end of a line may hang past `maxWidth`. A line
 * holds at least one cluster, so an empty paragraph is one empty line.
 */
export function breakLines(widths: readonly number[], breakAfter: readonly boolean[], maxWidth: number): Line[] {
  const lines: Line[] = [];
  let start = 0;
  do {
    let width = 0;
    let lastBreak = -1;
    let end = widths.length;
    for (let i = start; i < widths.length; i++) {
      const w = widths[i] ?? 0;
      if (breakAfter[i]) {
        width += w;
        lastBreak = i;
        continue;
      }
      if (i > start && width + w > maxWidth) {
        end = lastBreak >= start ? lastBreak + 1 : i;
        break;
      }
      width += w;
    }
    lines.push({ start, end });
    start = end;
  } while (start < widths.length);
  return lines;
}

/** A paragraph's resolved bidi levels (Unicode Bidirectional Algorithm, base direction from its first strong character). */
export interface BidiParagraph {
  readonly rtl: boolean;
  /** Visual order of the clusters of `line`, left to right, each with its embedding level. */
  visualOrder(line: Line): { readonly index: number; readonly level: number }[];
}

export function bidiParagraph(clusterTexts: readonly string[]): BidiParagraph {
  const text = clusterTexts.join('');
  const levels = bidi.getEmbeddingLevels(text, 'auto');
  // Code-unit offset of each cluster, and the cluster of each code unit.
  const offsets: number[] = [];
  const clusterAt: number[] = [];
  clusterTexts.forEach((t, i) => {
    offsets.push(clusterAt.length);
    for (let k = 0; k < t.length; k++) clusterAt.push(i);
  });
  offsets.push(text.length);
  return {
    rtl: (levels.paragraphs[0]?.level ?? 0) % 2 === 1,
    visualOrder(line) {
      const from = offsets[line.start] ?? 0;
      const to = (offsets[line.end] ?? text.length) - 1;
      if (to < from) return [];
      const units = Array.from({ length: to - from + 1 }, (_, k) => from + k);
      for (const [first, last] of bidi.getReorderSegments(text, levels, from, to)) {
        if (first === undefined || last === undefined) continue;
        units.splice(first - from, last - first + 1, ...units.slice(first - from, last - from + 1).reverse());
      }
      const seen = new Set<number>();
      const order: { index: number; level: number }[] = [];
      for (const unit of units) {
        const index = clusterAt[unit] ?? 0;
        if (seen.has(index)) continue;
        seen.add(index);
        order.push({ index, level: levels.levels[offsets[index] ?? 0] ?? 0 });
      }
      return order;
    },
  };
}
