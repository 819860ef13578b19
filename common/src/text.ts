import { z } from 'zod';

/**
 * The rules every stored text follows, written once for the zod schemas that enforce them and for
 * the JSON Schema patterns the API's contract publishes (`meta`), so that a client generated from
 * the contract and the server agree on every string.
 *
 * Lengths count characters (Unicode code points), as PostgreSQL's VARCHAR(n) and JSON Schema's
 * maxLength do. NUL (U+0000) is refused because PostgreSQL text cannot hold it, and a lone UTF-16
 * surrogate because it has no UTF-8 form: either would be stored as something else.
 */

/** Number of characters (code points): an emoji counts one. */
export const codePointLength = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character (a lone one counts as one too).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
};

export const hasNoNul = (s: string): boolean => !s.includes('\u0000');

/** Well-formed UTF-16: no lone surrogate. */
export const hasNoLoneSurrogate = (s: string): boolean => !/\p{Cs}/u.test(s);

/**
 * The characters `String.prototype.trim` removes, listed one by one (not `\s`, whose meaning
 * differs between regex engines): a title made only of these is blank.
 */
const trimmedChars = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const storable = '\\u0000';

/**
 * JSON Schema (ECMA-262, `u` flag) patterns of the rules above. A lone surrogate is left out: it
 * is not Unicode text at all (RFC 8259 leaves such strings undefined, and validators that decode
 * JSON into Unicode strings cannot hold one), so no pattern can name it; the API still refuses it.
 */
export const textPatterns = {
  storable: `^[^${storable}]*$`,
  storableNotBlank: `^[^${storable}]*[^${storable}${trimmedChars}][^${storable}]*$`,
} as const;

/**
 * A text field that is stored as sent: at most `max` characters, no NUL, no lone surrogate, and
 * (`notBlank`) at least one character that is not white space. Each rule fails with a message that
 * names the field.
 */
export function storableText(field: string, o: { max: number; notBlank?: boolean }) {
  return z
    .string({
      error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .refine((s) => !o.notBlank || s.length > 0, `${field} must not be empty`)
    .refine((s) => codePointLength(s) <= o.max, `${field} must be at most ${o.max} characters`)
    .refine(hasNoNul, `${field} must not contain the NUL character (U+0000)`)
    .refine(hasNoLoneSurrogate, `${field} must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)`)
    .refine((s) => !o.notBlank || s.trim().length > 0, `${field} must not be blank`)
    .meta({
      ...(o.notBlank ? { minLength: 1 } : {}),
      maxLength: o.max,
      pattern: o.notBlank ? textPatterns.storableNotBlank : textPatterns.storable,
    });
}
