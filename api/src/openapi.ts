import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { idempotencyKeyPattern, maxIdempotencyKeyLength } from './idempotency';
import { createFileBodySchema, listFilesQuerySchema, maxBodyBytes } from './request-schemas';
import {
  fileAcceptedSchema,
  fileViewSchema,
  retryAcceptedSchema,
  deleteAcceptedSchema,
  timelineSchema,
} from './response-schemas';
import { common, idParams, problem, rateLimitHeaders } from './openapi-responses';
import { registerServicePaths } from './openapi-service-paths';

/** The API's contract, generated from the same zod schemas that validate its requests. */
export function buildOpenApiDocument(o: { serverUrl?: string } = {}) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key, `ff_<id>_<secret>` (`npm run keys -- create`). Optional unless the server requires keys.',
  });
  const security = [{ [bearer.name]: [] }, {}];

  registry.registerPath({
    method: 'post',
    path: '/files',
    operationId: 'createFile',
    summary: 'Ask for a file',
    description:
      'Writes the file (status `pending`) and its `file.create` message in one transaction and answers at once; ' +
      'the file is made asynchronously. With an `Idempotency-Key`, a retry of the same request answers as the ' +
      'first one did and creates nothing.',
    security,
    request: {
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .optional()
          .meta({
            pattern: idempotencyKeyPattern,
            description: `1 to ${maxIdempotencyKeyLength} printable ASCII characters, bare or in double quotes`,
          }),
      }),
      body: {
        required: true,
        description: `at most ${maxBodyBytes} bytes, UTF-8 JSON`,
        content: { 'application/json': { schema: createFileBodySchema.meta({ id: 'CreateFileRequest' }) } },
      },
    },
    responses: {
      202: {
        description: 'accepted: the file and its message are committed',
        headers: {
          Location: { description: '/files/<id>', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description: '`true` when the answer is that of an earlier request with the same key',
            schema: { type: 'string' },
          },
          ...rateLimitHeaders,
        },
        content: { 'application/json': { schema: fileAcceptedSchema } },
        links: {
          GetFileById: { operationId: 'getFile', parameters: { id: '$response.body#/id' } },
          GetFileContent: { operationId: 'getFileContent', parameters: { id: '$response.body#/id' } },
          RetryFile: { operationId: 'retryFile', parameters: { id: '$response.body#/id' } },
          DeleteFile: { operationId: 'deleteFile', parameters: { id: '$response.body#/id' } },
        },
      },
      ...common,
      413: problem('the body is larger than the limit'),
      415: problem('the body is not JSON, or not UTF-8, or in an unknown Content-Encoding'),
      422: problem('the Idempotency-Key was used with another request'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/files',
    operationId: 'listFiles',
    summary: "The caller's files, newest first",
    security,
    request: { query: listFilesQuerySchema },
    responses: {
      200: {
        description: 'one page; a `Link: <…>; rel="next"` header when there is another',
        headers: { Link: { description: 'the next page', schema: { type: 'string' } }, ...rateLimitHeaders },
        content: { 'application/json': { schema: z.array(fileViewSchema) } },
      },
      ...common,
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/files/{id}',
    operationId: 'getFile',
    summary: 'One file and its status',
    security,
    request: { params: idParams },
    responses: {
      200: { description: 'the file', content: { 'application/json': { schema: fileViewSchema } } },
      ...common,
      404: problem("no such file, or not the caller's"),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/files/{id}/content',
    operationId: 'getFileContent',
    summary: "A completed file's content",
    description:
      'Supports `Range` (one range), `If-Range`, `If-None-Match`, `If-Match`, `If-Modified-Since` and `If-Unmodified-Since`.',
    security,
    request: { params: idParams },
    responses: {
      200: {
        description: 'the content',
        headers: {
          ETag: { schema: { type: 'string' } },
          'Last-Modified': { schema: { type: 'string' } },
          'Accept-Ranges': { schema: { type: 'string' } },
        },
        content: {
          'text/plain': { schema: { type: 'string' } },
          'application/pdf': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
            schema: { type: 'string', format: 'binary' },
          },
          'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        },
      },
      206: {
        description: 'the requested range',
        headers: { 'Content-Range': { schema: { type: 'string' } }, ETag: { schema: { type: 'string' } } },
        content: {
          'text/plain': { schema: { type: 'string' } },
          'application/pdf': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
            schema: { type: 'string', format: 'binary' },
          },
          'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        },
      },
      304: { description: 'not modified: the client has this version (`If-None-Match`, `If-Modified-Since`)' },
      ...common,
      404: problem("no such file, or not the caller's"),
      409: problem('the file is not completed yet (or failed): there is no content to read'),
      410: problem('the file is expired, or its deletion was asked for: its content is gone'),
      412: problem('a precondition (`If-Match`, `If-Unmodified-Since`) does not hold'),
      416: problem('the range is outside the content'),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/files/{id}/retry',
    operationId: 'retryFile',
    summary: 'Send a failed file through again, as its next attempt',
    security,
    request: { params: idParams },
    responses: {
      202: {
        description: 'accepted: the new attempt is committed',
        headers: { Location: { schema: { type: 'string' } } },
        content: { 'application/json': { schema: retryAcceptedSchema } },
      },
      ...common,
      404: problem("no such file, or not the caller's"),
      409: problem('the file is not failed, or its deletion was asked for'),
    },
  });

  registry.registerPath({
    method: 'delete',
    path: '/files/{id}',
    operationId: 'deleteFile',
    summary: "End a file's lifetime now: its object is deleted and the file ends expired",
    description:
      'Idempotent: asking again changes nothing. The deletion goes through the outbox, Kafka and the processor ' +
      "like the file's creation, after it: a file still pending or processing is made first, then deleted. From " +
      'this request on, its content answers 410.',
    security,
    request: { params: idParams },
    responses: {
      202: {
        description: 'accepted: the deletion is committed (or was already)',
        headers: { Location: { schema: { type: 'string' } } },
        content: { 'application/json': { schema: deleteAcceptedSchema } },
      },
      ...common,
      404: problem("no such file, or not the caller's"),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/files/{id}/events',
    operationId: 'followFile',
    summary: "A file's status as server-sent events",
    description:
      'A `status` event with the file now, then one at each change of its status or attempt, until it is final ' +
      '(the stream then ends) or the stream has been open a while (an EventSource reconnects by itself).',
    security,
    request: { params: idParams },
    responses: {
      200: {
        description: '`event: status`, `data:` the file as `GET /files/{id}` answers it',
        content: {
          'text/event-stream': {
            schema: {
              type: 'object',
              properties: {
                event: { type: 'string', enum: ['status'] },
                data: { type: 'string', contentMediaType: 'application/json' },
              },
              required: ['event', 'data'],
            },
          },
        },
      },
      ...common,
      404: problem("no such file, or not the caller's"),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/files/{id}/timeline',
    operationId: 'getFileTimeline',
    summary: "A file's journey in its current attempt",
    security,
    request: { params: idParams },
    responses: {
      200: {
        description: 'the steps the system recorded, in order',
        content: { 'application/json': { schema: timelineSchema } },
      },
      ...common,
      404: problem("no such file, or not the caller's"),
    },
  });

  registerServicePaths(registry, security);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'fileflow API',
      version: '1.0.0',
      description:
        'Files made through a transactional outbox: a `POST /files` is committed with its message, then made ' +
        'asynchronously. Every error is RFC 9457 problem+json.',
    },
    servers: [{ url: o.serverUrl ?? '/' }],
  });
}
