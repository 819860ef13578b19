import { z } from 'zod';
import {
  fileFormats,
  fileStatuses,
  type FileFormat,
  fileStatusSchema,
  maxTitleLength,
  storableText,
} from '@fileflow/common';

/** The most files one page of `GET /files` holds. */
export const maxPageSize = 200;

/** Longest description, in characters; bodies are capped at `maxBodyBytes` before parsing anyway. */
export const maxDescriptionLength = 10_000;

/**
 * The largest body: room for the longest valid request however a client escapes it (every
 * character of a 255-character title and a 10,000-character description as a 12-byte `\uXXXX`
 * surrogate-pair escape), so a valid request is never refused for its size.
 */
export const maxBodyBytes = 128 * 1024;

/** The longest lifetime a file can be given: ten years, in seconds. */
export const maxExpiresInSeconds = 10 * 365 * 86_400;

/**
 * Body of `POST /files`. Unknown fields are rejected rather than silently dropped, and text is
 * stored exactly as sent (no trimming): what a client reads back is what it wrote.
 */
export const createFileBodySchema = z.strictObject(
  {
    title: storableText('title', { max: maxTitleLength, notBlank: true }),
    description: storableText('description', { max: maxDescriptionLength }).default(''),
    format: z
      .enum(fileFormats, { error: `format must be one of ${fileFormats.join(', ')}` })
      .default('txt')
      .meta({ description: 'what the file is made as: text (the default), PDF or Word (DOCX)' }),
    expiresInSeconds: z
      .number({ error: 'expiresInSeconds must be a number' })
      .int('expiresInSeconds must be a whole number of seconds')
      .min(1, 'expiresInSeconds must be at least 1')
      .max(maxExpiresInSeconds, `expiresInSeconds must be at most ${maxExpiresInSeconds} (ten years)`)
      .optional()
      .meta({
        description:
          "the file's lifetime from its creation; when it ends the object is deleted and the file is expired " +
          "(default: the deployment's retention, FILE_RETENTION_SECONDS; none: kept)",
      }),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : 'body must be a JSON object',
  },
);
/** A file request as `createFile` takes it: `format` left out means `txt`. */
export type CreateFileBody = Omit<z.infer<typeof createFileBodySchema>, 'format'> & { format?: FileFormat };

const maxFileId = 2_147_483_647;

/**
 * A query parameter or path segment as a string. A repeated query parameter
 * (`?limit=1&limit=2`) arrives as an array: it is ambiguous, so it is refused, not guessed.
 */
const single = (name: string) =>
  z.string({ error: (i) => (Array.isArray(i.input) ? `${name} must be given once` : `${name} must be a string`) });

/**
 * The decimal numbers 1 to 2147483647 (the largest file id), digits only, no leading zero: as a
 * pattern, so that the published contract says exactly which ids are valid.
 */
export const fileIdPattern =
  '^(?:[1-9]\\d{0,8}|1\\d{9}|20\\d{8}|21[0-3]\\d{7}|214[0-6]\\d{6}|2147[0-3]\\d{5}|21474[0-7]\\d{4}|214748[0-2]\\d{3}|2147483[0-5]\\d{2}|21474836[0-3]\\d|214748364[0-7])$';

const idIn = (name: string) =>
  single(name)
    .regex(/^[1-9]\d*$/, `${name} must be a positive integer (digits only, no leading zero)`)
    .transform(Number)
    .refine((n) => n <= maxFileId, `${name} is out of range (at most ${maxFileId})`)
    .meta({ type: 'string', pattern: fileIdPattern });

export const fileIdParamsSchema = z.object({ id: idIn('id') });

/** Query of `GET /files`: newest first, keyset pagination with `before`. */
export const listFilesQuerySchema = z.strictObject(
  {
    status: single('status')
      .pipe(fileStatusSchema)
      .optional()
      .meta({ type: 'string', enum: [...fileStatuses], description: 'only files with this status' }),
    limit: single('limit')
      .regex(/^\d+$/, 'limit must be a positive integer')
      .transform(Number)
      .refine((n) => n >= 1 && n <= maxPageSize, `limit must be between 1 and ${maxPageSize}`)
      .default(50)
      .meta({
        type: 'string',
        pattern: '^0*(?:[1-9]|[1-9]\\d|1\\d\\d|200)$',
        default: '50',
        description: `files per page, 1 to ${maxPageSize}`,
      }),
    before: idIn('before').optional(),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys' ? `unknown query parameter(s): ${i.keys.join(', ')}` : 'query is not valid',
  },
);
