/**
 * OpenTelemetry tracing for a service process. Import this module first in the process's
 * `main.ts`, before anything it instruments is loaded (the instrumentations patch `http`, Express,
 * `pg` and the AWS SDK as they are required). It imports nothing of the project's own.
 *
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans go out over OTLP/HTTP in batches (the standard
 * `OTEL_*` variables apply: `OTEL_SERVICE_NAME`, `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG` (`samplerFromEnv`), …). Without it nothing
 * is set up and every span the code asks for is a no-op that costs next to nothing.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { samplerFromEnv } from './sampler';

/** Requests that are not the system's work: health checks and scrapes make no traces. */
const quietPaths = /^\/(health\/|metrics$|stats$|docs|openapi\.json$|favicon)/;

function start(): { shutdown(): Promise<void> } | undefined {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const service =
    process.env.OTEL_SERVICE_NAME ?? process.argv[1]?.match(/([\w-]+)\/src\/main\.ts$/)?.[1] ?? 'fileflow';
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    sampler: samplerFromEnv(process.env),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ timeoutMillis: 10_000 }) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => quietPaths.test(req.url ?? ''),
        // Outgoing calls (the AWS SDK's) only as part of a traced piece of work.
        requireParentforOutgoingSpans: true,
      }),
      new ExpressInstrumentation(),
      // Only queries made for a traced piece of work: the relay's polling would make a trace a claim.
      new PgInstrumentation({ requireParentSpan: true }),
      new AwsInstrumentation({ suppressInternalInstrumentation: true }),
    ],
  });
  return provider;
}

/** The running tracer provider (undefined: tracing is off), to flush on shutdown. */
export const telemetry = start();
