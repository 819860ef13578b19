import { AppError } from './app-error';
import { verifyJsonBody } from './json-body';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
  }
};

describe('verifyJsonBody', () => {
  it('passes UTF-8, including 4-byte sequences and a byte order mark', () => {
    expect(codeOf(() => verifyJsonBody(Buffer.from('{"title":"ünï 😀"}'), 'utf-8'))).toBeUndefined();
    expect(codeOf(() => verifyJsonBody(Buffer.from('\ufeff{}'), 'utf-8'))).toBeUndefined();
  });

  it.each([
    ['a stray continuation byte', [0x22, 0x80, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['an encoded surrogate (CESU-8)', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a code point above U+10FFFF', [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]],
    ['Latin-1 text', [0x22, 0xe9, 0x22]],
  ])('refuses %s (400), where body-parser would store U+FFFD', (_name, bytes) => {
    expect(codeOf(() => verifyJsonBody(Buffer.from(bytes), 'utf-8'))).toBe('undecodable_body: body is not valid UTF-8');
  });

  it('refuses a field given twice (400), which JSON.parse would silently drop', () => {
    expect(codeOf(() => verifyJsonBody(Buffer.from('{"title":"a","title":"b"}'), 'utf-8'))).toBe(
      'validation_failed: body is not valid',
    );
  });

  it('refuses any other charset (415)', () => {
    expect(codeOf(() => verifyJsonBody(Buffer.from('{}'), 'utf-16le'))).toMatch(
      /^unsupported_media_type: charset must be utf-8 \(got utf-16le\)/,
    );
  });
});
