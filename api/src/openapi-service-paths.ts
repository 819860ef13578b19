import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { common } from './openapi-responses';
import { healthSchema, pipelineSchema } from './response-schemas';

/** The operations beside `/files` in the OpenAPI document: the pipeline summary, the page, metrics, health. */
export function registerServicePaths(registry: OpenAPIRegistry, security: Array<Record<string, string[]>>): void {
  registry.registerPath({
    method: 'get',
    path: '/pipeline',
    operationId: 'getPipeline',
    summary: "The pipeline's health, and the caller's files by status",
    security,
    responses: {
      200: {
        description: 'backlog, lag, dead letters, recent failures',
        content: { 'application/json': { schema: pipelineSchema } },
      },
      ...common,
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/',
    summary: 'The live page',
    tags: ['page'],
    responses: { 200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: "The process's metrics, in the Prometheus text format",
    tags: ['observability'],
    responses: {
      200: { description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
    },
  });

  for (const [path, summary] of [
    ['/health/live', 'The process answers (and on which Node)'],
    ['/health/ready', 'Ready to serve: the database and the status consumer work'],
  ] as const) {
    registry.registerPath({
      method: 'get',
      path,
      summary,
      tags: ['health'],
      responses: {
        200: { description: 'ok', content: { 'application/json': { schema: healthSchema } } },
        503: {
          description: 'not ready; `problems` names what is down',
          content: { 'application/json': { schema: healthSchema } },
        },
      },
    });
  }
}
