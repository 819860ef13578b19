/**
 * The text rules both document formats share: where lines break, and the visible label that
 * stands for a character a format or its fonts cannot hold (docs/formats.md lists each case).
 */

/** A line terminator: CR LF, CR or LF. Each ends a line (a paragraph of the description). */
const lineTerminator = /\r\n|\r|\n/;

/** The lines of `text`, split at each line terminator (so `''` is one empty line). */
export function splitLines(text: string): string[] {
  return text.split(lineTerminator);
}

/** `[U+XXXX]`: the code point in upper-case hex, at least four digits. */
export function codePointLabel(cp: number): string {
  return `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Replace every character `pattern` (a global, `u` regex) matches with its label. */
export function labelMatches(text: string, pattern: RegExp): string {
  return text.replace(pattern, (ch) => codePointLabel(ch.codePointAt(0) ?? 0));
}
