import { z } from 'zod';
import { fileStatusSchema, hasNoNul } from '@fileflow/common';

/** Longest description accepted; bodies are capped at `maxBodyBytes` before parsing anyway. */
export const maxDescriptionLength = 10_000;
export const maxBodyBytes = 64 * 1024;

/** Body of `POST /files`. Unknown fields are rejected rather than silently dropped. */
export const createFileBodySchema = z.strictObject(
  {
    title: z
      .string({ error: (i) => (i.input === undefined ? 'title is required' : 'title must be a string') })
      .trim()
      .min(1, 'title must not be empty')
      .max(255, 'title must be at most 255 characters')
      .refine(hasNoNul, 'title must not contain the NUL character (U+0000)'),
    description: z
      .string({ error: 'description must be a string' })
      .max(maxDescriptionLength, `description must be at most ${maxDescriptionLength} characters`)
      .refine(hasNoNul, 'description must not contain the NUL character (U+0000)')
      .default(''),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : 'body must be a JSON object',
  },
);
export type CreateFileBody = z.infer<typeof createFileBodySchema>;

const id = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'id must be a positive integer')
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, 'id is out of range');

export const fileIdParamsSchema = z.object({ id });

/** Query of `GET /files`: newest first, keyset pagination with `before`. */
export const listFilesQuerySchema = z.strictObject({
  status: fileStatusSchema.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'limit must be a positive integer')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'limit must be between 1 and 200')
    .default(50),
  before: id.optional(),
});
