import fc from 'fast-check';
import { createFileBodySchema, fileIdParamsSchema, fileIdPattern, listFilesQuerySchema } from './request-schemas';

describe('createFileBodySchema', () => {
  it('accepts the design example and keeps the text exactly as sent', () => {
    expect(createFileBodySchema.parse({ title: ' My Document ', description: 'This is a test document' })).toEqual({
      title: ' My Document ',
      description: 'This is a test document',
      format: 'txt',
    });
  });

  it('keeps well-formed surrogate pairs, non-characters and control characters', () => {
    const title = '\u{1F600} \uFFFF \u0007';
    expect(createFileBodySchema.parse({ title, description: '\uD83D\uDE00' })).toEqual({
      title,
      description: '\u{1F600}',
      format: 'txt',
    });
  });

  it('defaults a missing description to empty', () => {
    expect(createFileBodySchema.parse({ title: 't' })).toEqual({ title: 't', description: '', format: 'txt' });
  });

  it('takes a format and a lifetime', () => {
    expect(createFileBodySchema.parse({ title: 't', format: 'pdf', expiresInSeconds: 60 })).toEqual({
      title: 't',
      description: '',
      format: 'pdf',
      expiresInSeconds: 60,
    });
  });

  it.each([
    [{}, 'title is required'],
    [{ title: '' }, 'title must not be empty'],
    [{ title: '   ' }, 'title must not be blank'],
    [{ title: '\u00a0\n' }, 'title must not be blank'],
    [{ title: 'x'.repeat(256) }, 'title must be at most 255 characters'],
    [{ title: '😀'.repeat(256) }, 'title must be at most 255 characters'],
    [{ title: 'a\ud800' }, 'title must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)'],
    [{ title: '\udc00a' }, 'title must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)'],
    [
      { title: 't', description: '\ude00\ud83d' },
      'description must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)',
    ],
    [{ title: 5 }, 'title must be a string'],
    [{ title: 't', description: 5 }, 'description must be a string'],
    [{ title: 't', extra: 1 }, 'unknown field(s): extra'],
    [{ title: 'a\u0000b' }, 'title must not contain the NUL character (U+0000)'],
    [{ title: 't', format: 'PDF' }, 'format must be one of txt, pdf, docx'],
    [{ title: 't', format: null }, 'format must be one of txt, pdf, docx'],
    [{ title: 't', expiresInSeconds: 0 }, 'expiresInSeconds must be at least 1'],
    [{ title: 't', expiresInSeconds: 1.5 }, 'expiresInSeconds must be a whole number of seconds'],
    [{ title: 't', expiresInSeconds: '60' }, 'expiresInSeconds must be a number'],
    [{ title: 't', expiresInSeconds: 315_360_001 }, 'expiresInSeconds must be at most 315360000 (ten years)'],
    [{ title: 't', description: 'a\u0000' }, 'description must not contain the NUL character (U+0000)'],
    [[], 'body must be a JSON object'],
  ])('rejects %j: %s', (body, message) => {
    const r = createFileBodySchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain(message);
  });

  it('accepts a 255-character title, counting characters as PostgreSQL does (an emoji is one)', () => {
    expect(createFileBodySchema.safeParse({ title: 'x'.repeat(255) }).success).toBe(true);
    expect(createFileBodySchema.safeParse({ title: '😀'.repeat(255) }).success).toBe(true);
  });
});

describe('fileIdParamsSchema', () => {
  it.each([
    ['abc', 'id must be a positive integer (digits only, no leading zero)'],
    ['0', 'id must be a positive integer (digits only, no leading zero)'],
    ['-1', 'id must be a positive integer (digits only, no leading zero)'],
    ['1.5', 'id must be a positive integer (digits only, no leading zero)'],
    ['01', 'id must be a positive integer (digits only, no leading zero)'],
    ['2147483648', 'id is out of range (at most 2147483647)'],
    ['99999999999', 'id is out of range (at most 2147483647)'],
    ['9'.repeat(400), 'id is out of range (at most 2147483647)'],
  ])('rejects %s: %s', (id, message) => {
    const r = fileIdParamsSchema.safeParse({ id });
    expect(r.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  it('accepts an int4 id', () => {
    expect(fileIdParamsSchema.parse({ id: '2147483647' })).toEqual({ id: 2147483647 });
  });
});

describe('listFilesQuerySchema', () => {
  it('has defaults and rejects unknown parameters', () => {
    expect(listFilesQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(listFilesQuerySchema.safeParse({ sort: 'x' }).success).toBe(false);
    expect(listFilesQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(listFilesQuerySchema.safeParse({ status: 'done' }).success).toBe(false);
  });

  it.each([
    [{ limit: ['1', '2'] }, 'limit must be given once'],
    [{ status: ['pending', 'failed'] }, 'status must be given once'],
    [{ before: ['1', '2'] }, 'before must be given once'],
    [{ limit: '9'.repeat(400) }, 'limit must be between 1 and 200'],
    [{ sort: 'x' }, 'unknown query parameter(s): sort'],
  ])('rejects %j: %s', (query, message) => {
    const r = listFilesQuerySchema.safeParse(query);
    expect(r.error?.issues.map((i) => i.message)).toEqual([message]);
  });
});

describe('the contract says exactly which ids and page sizes are valid', () => {
  const idAccepted = (s: string) => fileIdParamsSchema.safeParse({ id: s }).success;
  it.each(['1', '9', '10', '999999999', '1000000000', '2147483647', '2147483646', '2099999999'])(
    'the id %s: valid by the pattern and by the schema',
    (s) => {
      expect(new RegExp(fileIdPattern, 'u').test(s)).toBe(true);
      expect(idAccepted(s)).toBe(true);
    },
  );
  it.each(['0', '01', '2147483648', '2147483650', '2200000000', '9999999999', '12345678901', '-1', '1.0', ''])(
    'the id %j: invalid by both',
    (s) => {
      expect(new RegExp(fileIdPattern, 'u').test(s)).toBe(false);
      expect(idAccepted(s)).toBe(false);
    },
  );
  it('every id string of up to 10 digits: the pattern and the schema agree', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,10}$/), (s) => {
        expect(new RegExp(fileIdPattern, 'u').test(s)).toBe(idAccepted(s));
      }),
      { numRuns: 5_000 },
    );
  });
});
