import { z } from 'zod';
import { fileStatusSchema, hasNoNul } from '@fileflow/common';

/** Longest description accepted; bodies are capped at `maxBodyBytes` before parsing anyway. */
export const maxDescriptionLength = 10_000;
export const maxBodyBytes = 64 * 1024;

/** Whether `s` is well-formed UTF-16: a lone surrogate has no UTF-8 form, so it cannot be stored as sent. */
export const hasNoLoneSurrogate = (s: string): boolean => !/\p{Cs}/u.test(s);

/** The text checks every stored string passes: what PostgreSQL and UTF-8 can hold exactly. */
const storableText = (field: string, schema: z.ZodString) =>
  schema
    .refine(hasNoNul, `${field} must not contain the NUL character (U+0000)`)
    .refine(hasNoLoneSurrogate, `${field} must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)`);

/**
 * Body of `POST /files`. Unknown fields are rejected rather than silently dropped, and text is
 * stored exactly as sent (no trimming): what a client reads back is what it wrote.
 */
export const createFileBodySchema = z.strictObject(
  {
    title: storableText(
      'title',
      z
        .string({ error: (i) => (i.input === undefined ? 'title is required' : 'title must be a string') })
        .min(1, 'title must not be empty')
        // Lengths count UTF-16 code units, as the message contracts do.
        .max(255, 'title must be at most 255 characters (UTF-16 code units)'),
    ).refine((t) => t.trim().length > 0, 'title must not be blank'),
    description: storableText(
      'description',
      z
        .string({ error: 'description must be a string' })
        .max(
          maxDescriptionLength,
          `description must be at most ${maxDescriptionLength} characters (UTF-16 code units)`,
        ),
    ).default(''),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : 'body must be a JSON object',
  },
);
export type CreateFileBody = z.infer<typeof createFileBodySchema>;

const maxFileId = 2_147_483_647;

/**
 * A query parameter or path segment as a string. A repeated query parameter
 * (`?limit=1&limit=2`) arrives as an array: it is ambiguous, so it is refused, not guessed.
 */
const single = (name: string) =>
  z.string({ error: (i) => (Array.isArray(i.input) ? `${name} must be given once` : `${name} must be a string`) });

const idIn = (name: string) =>
  single(name)
    .regex(/^[1-9]\d*$/, `${name} must be a positive integer (digits only, no leading zero)`)
    .transform(Number)
    .refine((n) => n <= maxFileId, `${name} is out of range (at most ${maxFileId})`);

export const fileIdParamsSchema = z.object({ id: idIn('id') });

/** Query of `GET /files`: newest first, keyset pagination with `before`. */
export const listFilesQuerySchema = z.strictObject(
  {
    status: single('status').pipe(fileStatusSchema).optional(),
    limit: single('limit')
      .regex(/^\d+$/, 'limit must be a positive integer')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 200, 'limit must be between 1 and 200')
      .default(50),
    before: idIn('before').optional(),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys' ? `unknown query parameter(s): ${i.keys.join(', ')}` : 'query is not valid',
  },
);
