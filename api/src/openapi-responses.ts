import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { fileIdParamsSchema } from './request-schemas';
import { problemSchema } from './response-schemas';

/** Pieces of the OpenAPI document that many operations share. */

export const problem = (description: string, headers?: ResponseConfig['headers']): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
  ...(headers ? { headers } : {}),
});

export const retryAfter = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
} as const;
export const rateLimitHeaders = {
  RateLimit: {
    description: 'the remaining quota and when it resets (IETF RateLimit header fields)',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': { description: 'the quota: requests per window', schema: { type: 'string' } },
} as const;

/** The answers every `/files` operation can give besides its own. */
export const common = {
  400: problem('the request is not valid: the problem names the field, parameter or header'),
  401: problem('the API key is missing (when keys are required), unknown, revoked or malformed', {
    'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
  }),
  429: problem('too many requests from this client (its key, or its address without one)', {
    ...retryAfter,
    ...rateLimitHeaders,
  }),
  503: problem('a dependency the request needs is down; nothing was written', retryAfter),
} satisfies Record<number, ResponseConfig>;

export const idParams = z.object({
  id: fileIdParamsSchema.shape.id.meta({ description: 'the file id', example: '1' }),
});
