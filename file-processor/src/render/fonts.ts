import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';

/**
 * The fonts a PDF embeds, all read from npm packages pinned to an exact version (never from the
 * system, never from the network), so that every machine lays out and embeds the very same glyphs.
 * See docs/formats.md for what each covers and its licence.
 */
export type FontId = 'sans' | 'sansBold' | 'emoji';

const files: Record<FontId, string> = {
  sans: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  sansBold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  emoji: '@expo-google-fonts/noto-emoji/400Regular/NotoEmoji_400Regular.ttf',
};

/** A font file loaded once per process: its bytes (for pdfkit), its parsed form and its character set. */
export interface LoadedFont {
  readonly id: FontId;
  readonly data: Buffer;
  readonly font: fontkit.Font;
  readonly codePoints: ReadonlySet<number>;
}

const loaded = new Map<FontId, LoadedFont>();

export function loadFont(id: FontId): LoadedFont {
  const cached = loaded.get(id);
  if (cached) return cached;
  const data = readFileSync(require.resolve(files[id]));
  const font = fontkit.create(data);
  if ('fonts' in font) throw new Error(`${files[id]} is a font collection, not a font`);
  const entry: LoadedFont = { id, data, font, codePoints: new Set(font.characterSet) };
  loaded.set(id, entry);
  return entry;
}

/**
 * Code points no font is asked to draw even when its cmap maps them: controls (Cc), surrogates
 * (Cs), private use (Co) and unassigned code points and noncharacters (Cn). A font's glyph for one
 * of these is arbitrary, so they are always substituted (see `codePointLabel`).
 */
const neverDrawn = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}]/u;

/** Whether `font` has a glyph for `cp` that may be drawn. */
export function fontCovers(font: LoadedFont, cp: number): boolean {
  return font.codePoints.has(cp) && !neverDrawn.test(String.fromCodePoint(cp));
}

/** The fallback chain of each text style: the first font that has every character of a cluster draws it. */
export const fontChains = {
  title: ['sansBold', 'sans', 'emoji'],
  body: ['sans', 'emoji'],
} as const satisfies Record<string, readonly FontId[]>;

export type TextStyle = keyof typeof fontChains;

/**
 * How `font` lays out `text` at `size` points: its width, whether fontkit reverses it (it does for
 * a right-to-left script) and the script fontkit shapes it as (from its first character that has
 * one; `zzzz` when none has).
 */
export function layoutText(
  font: LoadedFont,
  text: string,
  size: number,
): { width: number; rtl: boolean; script: string } {
  const run = font.font.layout(text, []);
  return {
    width: (run.advanceWidth * size) / font.font.unitsPerEm,
    rtl: run.direction === 'rtl',
    script: run.script,
  };
}
