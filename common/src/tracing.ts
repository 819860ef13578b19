import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { childTraceparent, validTraceparent } from './ids';

/**
 * The spans the project makes itself, on top of the instrumented libraries' (see
 * `telemetry/register.ts`): a file's request, its publish, its processing and its status updates,
 * each a child of the traceparent the message carries, so one file is one trace from its POST to
 * its final status. With tracing off every span here is a no-op.
 */
export { SpanKind, SpanStatusCode, type Span };

const tracer = () => trace.getTracer('fileflow');

/** The context a W3C traceparent names (an invalid or missing one: a new trace). */
export function contextOf(traceparent: string | null | undefined): Context {
  const valid = validTraceparent(traceparent);
  return valid ? propagation.extract(ROOT_CONTEXT, { traceparent: valid }) : ROOT_CONTEXT;
}

/** The traceparent of `span` while tracing is on, else undefined. */
export function traceparentOf(span: Span | undefined): string | undefined {
  if (!span?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return validTraceparent(carrier.traceparent);
}

/** The traceparent of the active span (undefined: none, or tracing is off). */
export const activeTraceparent = (): string | undefined => traceparentOf(trace.getActiveSpan());

/**
 * What a message sent on behalf of `span` carries: its span's traceparent when tracing is on,
 * else a new span id in `parent`'s trace (or a new trace), as without tracing.
 */
export function outgoingTraceparent(span: Span | undefined, parent: string | null | undefined): string {
  return traceparentOf(span) ?? childTraceparent(parent ?? undefined);
}

/** The trace id of a traceparent (undefined when it has none), for log lines. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  return validTraceparent(traceparent)?.slice(3, 35);
}

/** The log fields of a line about a file: its id and its trace. */
export function fileLogFields(fileId: number | string, traceparent: string | null | undefined) {
  const traceId = traceIdOf(traceparent);
  return { fileId, ...(traceId ? { traceId } : {}) };
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  /** The traceparent to continue (default: the active span). */
  readonly parent?: string | null;
  readonly attributes?: Attributes;
  /** When the work began, if before the span is made (ms since the epoch). */
  readonly startTime?: number;
}

/**
 * Run `fn` in a new span (active for what `fn` does), ended when `fn` settles; a thrown error
 * marks it failed.
 */
export async function inSpan<T>(name: string, o: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = o.parent === undefined ? context.active() : contextOf(o.parent);
  const span = tracer().startSpan(
    name,
    {
      kind: o.kind ?? SpanKind.INTERNAL,
      ...(o.attributes ? { attributes: o.attributes } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
    throw err;
  } finally {
    span.end();
  }
}

/** A span of work already done: from `startTime` to `endTime` (ms since the epoch), child of `parent`. */
export function recordSpan(
  name: string,
  o: SpanOptions & { readonly startTime: number; readonly endTime: number; readonly failed?: boolean },
): void {
  const parent = o.parent === undefined ? context.active() : contextOf(o.parent);
  const span = tracer().startSpan(
    name,
    {
      kind: o.kind ?? SpanKind.INTERNAL,
      startTime: o.startTime,
      ...(o.attributes ? { attributes: o.attributes } : {}),
    },
    parent,
  );
  if (o.failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(o.endTime);
}

/** Start a span (child of `parent`) that the caller ends. */
export function startSpan(name: string, o: SpanOptions): Span {
  const parent = o.parent === undefined ? context.active() : contextOf(o.parent);
  return tracer().startSpan(
    name,
    {
      kind: o.kind ?? SpanKind.INTERNAL,
      ...(o.attributes ? { attributes: o.attributes } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
    parent,
  );
}

/** Run `fn` with `span` active. */
export const withSpan = <T>(span: Span, fn: () => T): T => context.with(trace.setSpan(context.active(), span), fn);
