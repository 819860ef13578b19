import { z } from 'zod';
import { codePointLength, hasNoNul } from './text';

/**
 * Message contracts, exactly the fields of the original design. The message id, type,
 * schema version and traceparent travel as Kafka headers so the values stay as designed
 * and both relays (polling and Debezium) can produce identical records.
 */

const isoDateTime = z.iso.datetime({ offset: true });

/** The most characters a title holds (files.title is VARCHAR(255)). */
export const maxTitleLength = 255;
const title = z
  .string()
  .min(1)
  .refine((s) => codePointLength(s) <= maxTitleLength, `must be at most ${maxTitleLength} characters`);
const fileId = z.number().int().positive().max(2_147_483_647);
/**
 * Which attempt of the file a message belongs to (`POST /files/:id/retry` starts a new one).
 * Absent means 1, so the design's values, and records already in a topic, stay valid.
 */
const attempt = z.number().int().min(1).max(2_147_483_647).optional();

/** The attempt a message belongs to: its `attempt`, or 1 when it has none. */
export const attemptOf = (value: { readonly attempt?: number | undefined }): number => value.attempt ?? 1;

/** The formats a file can be made in; `txt` is the design's text file. */
export const fileFormats = ['txt', 'pdf', 'docx'] as const;
export const fileFormatSchema = z.enum(fileFormats);
export type FileFormat = z.infer<typeof fileFormatSchema>;

/** The format a message asks for: its `format`, or `txt` when it has none (the design's messages). */
export const formatOf = (value: { readonly format?: FileFormat | undefined }): FileFormat => value.format ?? 'txt';

/** Value of a `file.create` record: a request to build the file. */
export const fileCreateSchema = z.strictObject({
  fileId,
  title,
  description: z.string(),
  timestamp: isoDateTime,
  attempt,
  /** Absent means `txt`, so the design's values, and records already in a topic, stay valid. */
  format: fileFormatSchema.optional(),
});
export type FileCreate = z.infer<typeof fileCreateSchema>;

/**
 * Value of a `file.delete` record: a request to delete the file's object, because its lifetime
 * ended (`expired`) or its owner asked (`deleted`). It travels on the `file.create` topic, keyed by
 * the file id like the file's creation, so a processor always takes it after the file's creation.
 */
export const fileDeleteSchema = z.strictObject({
  fileId,
  format: fileFormatSchema.optional(),
  /**
   * Why: its lifetime ended, its owner deleted it, or (`late-upload`) an upload finished after
   * the file's deletion was asked for, and its object must go again.
   */
  reason: z.enum(['expired', 'deleted', 'late-upload']),
  timestamp: isoDateTime,
});
export type FileDelete = z.infer<typeof fileDeleteSchema>;

/**
 * Value of a `file.deleted` record: the file's object is gone (or never was), so the file is
 * `expired`. It travels on the `file.created` topic, after what the processor said of the file's
 * creation.
 */
export const fileDeletedSchema = z.strictObject({
  fileId,
  status: z.literal('expired'),
  /** Where the object was. */
  s3Location: z
    .string()
    .max(500)
    .regex(/^s3:\/\/[^/]+\/.+$/, 'must be s3://bucket/key'),
  timestamp: isoDateTime,
});
export type FileDeleted = z.infer<typeof fileDeletedSchema>;

/** Value of a `file.created` record: the outcome of building the file. */
export const fileCreatedSchema = z
  .strictObject({
    fileId,
    title,
    // Stored in files.s3_location (VARCHAR(500)) and files.error (TEXT): a value the column
    // cannot take is a poison record for the dead-letter topic, not a failing transaction.
    s3Location: z
      .string()
      .max(500)
      .regex(/^s3:\/\/[^/]+\/.+$/, 'must be s3://bucket/key')
      .refine(hasNoNul, 'must not contain U+0000'),
    status: z.enum(['completed', 'failed']),
    error: z.string().min(1).refine(hasNoNul, 'must not contain U+0000').optional(),
    timestamp: isoDateTime,
    attempt,
  })
  .refine((m) => (m.status === 'failed') === (m.error !== undefined), {
    message: 'error is required when status is failed and forbidden otherwise',
    path: ['error'],
  });
export type FileCreated = z.infer<typeof fileCreatedSchema>;

/**
 * Value of a `file.processing` record: the processor has picked the request up.
 * Not in the original design; it is what makes the `processing` status observable.
 */
export const fileProcessingSchema = z.strictObject({
  fileId,
  status: z.literal('processing'),
  timestamp: isoDateTime,
  attempt,
});
export type FileProcessing = z.infer<typeof fileProcessingSchema>;

/**
 * W3C Trace Context `traceparent`, version `00` exactly: lowercase hex, trace id and parent id
 * not all zeros. Anything else (upper case, another version, two headers joined with ", ") is
 * invalid, and W3C says to ignore an invalid one and start a new trace.
 */
export const traceparentSchema = z
  .string()
  .regex(
    /^00-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-[\da-f]{2}$/,
    'must be a W3C traceparent: 00-<32 lowercase hex>-<16 lowercase hex>-<2 lowercase hex>, ids not all zeros',
  );

/** Headers every record carries, whichever relay or service produced it. */
export const messageHeadersSchema = z.object({
  id: z.uuid(),
  type: z.enum(['file.create', 'file.created', 'file.processing', 'file.delete', 'file.deleted']),
  traceparent: traceparentSchema.optional(),
});
export type MessageHeaders = z.infer<typeof messageHeadersSchema>;
export type MessageType = MessageHeaders['type'];

/**
 * The file statuses, in the only order they may move: `expired` (the file's object deleted, when
 * its lifetime ended or its owner deleted it) comes last, from any other.
 */
export const fileStatuses = ['pending', 'processing', 'completed', 'failed', 'expired'] as const;
export const fileStatusSchema = z.enum(fileStatuses);
export type FileStatus = z.infer<typeof fileStatusSchema>;
