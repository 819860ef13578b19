import fc from 'fast-check';
import { AppError } from './app-error';
import { maxIdempotencyKeyLength, parseIdempotencyKey, requestFingerprint } from './idempotency';

it.each([
  ['abc', 'abc'],
  ['"abc"', 'abc'],
  ['"a b"', 'a b'],
  ['a"b', 'a"b'],
  ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
  ['x'.repeat(maxIdempotencyKeyLength), 'x'.repeat(maxIdempotencyKeyLength)],
  [`"${'x'.repeat(maxIdempotencyKeyLength)}"`, 'x'.repeat(maxIdempotencyKeyLength)],
])('takes the key %j (bare, or a Structured Field string) as %j', (header, key) => {
  expect(parseIdempotencyKey(header)).toBe(key);
});

const refused = (header: string | string[]) => {
  try {
    parseIdempotencyKey(header);
  } catch (e) {
    return e;
  }
  return undefined;
};

it.each([
  '',
  '""',
  '"unterminated',
  '"with \\" escape"',
  'x'.repeat(maxIdempotencyKeyLength + 1),
  `"${'x'.repeat(maxIdempotencyKeyLength + 1)}"`,
  'é',
  'tab\there',
  ' leading',
  'trailing ',
])('refuses %j with a 400 naming the header', (header) => {
  const err = refused(header);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).httpStatus).toBe(400);
  expect((err as AppError).issues[0]?.path).toBe('(header Idempotency-Key)');
});

it('refuses the header given twice, and takes none as none', () => {
  expect(refused(['a', 'b'])).toBeInstanceOf(AppError);
  expect(parseIdempotencyKey(undefined)).toBeUndefined();
});

it('a key is 1 to 255 characters once unquoted, whatever printable ASCII it is made of', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
      (s) => {
        const key = (() => {
          try {
            return parseIdempotencyKey(s);
          } catch {
            return undefined;
          }
        })();
        if (key !== undefined) {
          expect(key.length).toBeGreaterThanOrEqual(1);
          expect(key.length).toBeLessThanOrEqual(maxIdempotencyKeyLength);
        }
      },
    ),
    { numRuns: 2_000 },
  );
});

it('fingerprints a request by its parsed body', () => {
  expect(requestFingerprint({ title: 't', description: '' })).toEqual(
    requestFingerprint({ title: 't', description: '' }),
  );
  expect(requestFingerprint({ title: 't', description: '' })).not.toEqual(
    requestFingerprint({ title: 'u', description: '' }),
  );
});
