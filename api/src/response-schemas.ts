import { z } from 'zod';
import { fileFormatSchema, fileStatusSchema } from '@fileflow/common';

/** The JSON a client sees for a file (`fileView`). */
export const fileViewSchema = z
  .object({
    id: z.number().int().min(1),
    title: z.string(),
    description: z.string().nullable(),
    status: fileStatusSchema,
    attempt: z.number().int().min(1),
    format: fileFormatSchema,
    s3Location: z
      .string()
      .nullable()
      .meta({ description: 's3://bucket/key of the object, once completed (null again once expired)' }),
    error: z.string().nullable().meta({ description: 'why the file failed, in words a user can act on' }),
    expiresAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'when its lifetime ends and its object is deleted (null: kept until deleted)' }),
    deletionRequestedAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'when its deletion was asked for (expiry or DELETE); it is expired once done' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'File' });

/** `202` of `DELETE /files/:id`: the file as it stands, its deletion asked for. */
export const deleteAcceptedSchema = z
  .object({
    id: z.number().int().min(1),
    status: fileStatusSchema,
    deletionRequestedAt: z.iso.datetime(),
  })
  .meta({ id: 'DeleteAccepted' });

/** `202` of `POST /files`. */
export const fileAcceptedSchema = z
  .object({ id: z.number().int().min(1), status: z.literal('pending') })
  .meta({ id: 'FileAccepted' });

/** `202` of `POST /files/:id/retry`. */
export const retryAcceptedSchema = z
  .object({ id: z.number().int().min(1), status: z.literal('pending'), attempt: z.number().int().min(2) })
  .meta({ id: 'RetryAccepted' });

/** Every error answer: RFC 9457 problem details. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'urn:fileflow:problem:<code>, or about:blank' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'one entry per invalid field' }),
  })
  .meta({ id: 'Problem' });

/** `/health/live` and `/health/ready`. */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    node: z.string().optional(),
    problems: z.array(z.string()).optional().meta({ description: 'what is down, by name' }),
    degraded: z.array(z.string()).optional().meta({ description: 'optional dependencies that are down' }),
    instance: z.string().optional().meta({ description: 'which instance answered (`INSTANCE_ID`)' }),
  })
  .meta({ id: 'Health' });

/** `GET /files/:id/timeline`. */
export const timelineSchema = z
  .object({
    id: z.number().int().min(1),
    attempt: z.number().int().min(1),
    steps: z.array(
      z.object({
        step: z.enum(['committed', 'published', 'processing', 'uploaded', 'completed', 'failed', 'expired']),
        at: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'Timeline' });

/** `GET /pipeline`. */
export const pipelineSchema = z
  .object({
    outbox: z.object({ backlog: z.number().int().min(0), oldestAgeSeconds: z.number().min(0) }),
    statusConsumer: z.object({ lag: z.number().min(0), deadLetters: z.number().min(0) }),
    outboxDeadLetters: z.number().int().min(0),
    files: z.object({
      pending: z.number().int().min(0),
      processing: z.number().int().min(0),
      completed: z.number().int().min(0),
      failed: z.number().int().min(0),
      expired: z.number().int().min(0),
    }),
    recentFailures: z.array(
      z.object({ id: z.number().int().min(1), error: z.string().nullable(), at: z.iso.datetime() }),
    ),
  })
  .meta({ id: 'Pipeline' });
