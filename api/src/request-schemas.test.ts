import { createFileBodySchema, fileIdParamsSchema, listFilesQuerySchema } from './request-schemas';

describe('createFileBodySchema', () => {
  it('accepts the design example and trims the title', () => {
    expect(createFileBodySchema.parse({ title: ' My Document ', description: 'This is a test document' })).toEqual({
      title: 'My Document',
      description: 'This is a test document',
    });
  });

  it('defaults a missing description to empty', () => {
    expect(createFileBodySchema.parse({ title: 't' })).toEqual({ title: 't', description: '' });
  });

  it.each([
    [{}, 'title is required'],
    [{ title: '' }, 'title must not be empty'],
    [{ title: '   ' }, 'title must not be empty'],
    [{ title: 'x'.repeat(256) }, 'title must be at most 255 characters'],
    [{ title: 5 }, 'title must be a string'],
    [{ title: 't', description: 5 }, 'description must be a string'],
    [{ title: 't', extra: 1 }, 'unknown field(s): extra'],
    [{ title: 'a\u0000b' }, 'title must not contain the NUL character (U+0000)'],
    [{ title: 't', description: 'a\u0000' }, 'description must not contain the NUL character (U+0000)'],
    [[], 'body must be a JSON object'],
  ])('rejects %j: %s', (body, message) => {
    const r = createFileBodySchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain(message);
  });

  it('accepts a 255-character title', () => {
    expect(createFileBodySchema.safeParse({ title: 'x'.repeat(255) }).success).toBe(true);
  });
});

describe('fileIdParamsSchema', () => {
  it.each(['abc', '0', '-1', '1.5', '01', '99999999999'])('rejects %s', (id) => {
    expect(fileIdParamsSchema.safeParse({ id }).success).toBe(false);
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
});
