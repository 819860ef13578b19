import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { z } from 'zod';
import { messageHeadersSchema, type MessageHeaders } from './contracts';
import { validTraceparent } from './ids';

/** A record as the services produce it: key = file id, JSON value, contract headers. */
export function encodeRecord(fileId: number, value: unknown, headers: MessageHeaders): Message {
  const h: IHeaders = { id: headers.id, type: headers.type };
  if (headers.traceparent) h.traceparent = headers.traceparent;
  return { key: String(fileId), value: JSON.stringify(value), headers: h };
}

/**
 * Header value as a string (KafkaJS gives Buffers, arrays or undefined). A header with a null
 * value (Debezium sends one for a NULL `traceparent` column; KafkaJS's types do not admit it)
 * counts as absent.
 */
export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name] as Buffer | string | Array<Buffer | string> | null | undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === null ? undefined : first.toString();
}

export type Decoded<T> =
  { ok: true; value: T; headers: MessageHeaders; key: string | undefined } | { ok: false; reason: string };

/**
 * Decode and validate one consumed record against `schema` and the header contract.
 * Never throws: a bad record is a value to route to the dead-letter topic. What can be
 * repaired is: an invalid traceparent counts as absent, so the next hop starts a new trace.
 */
export function decodeRecord<S extends z.ZodType>(message: KafkaMessage, schema: S): Decoded<z.infer<S>> {
  const headers = messageHeadersSchema.safeParse({
    id: headerString(message.headers, 'id'),
    type: headerString(message.headers, 'type'),
    traceparent: validTraceparent(headerString(message.headers, 'traceparent')),
  });
  if (!headers.success) return { ok: false, reason: `invalid headers: ${summarise(headers.error)}` };
  if (!message.value) return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  const value = schema.safeParse(json);
  if (!value.success)
    return { ok: false, reason: `value does not match the ${headers.data.type} schema: ${summarise(value.error)}` };
  return { ok: true, value: value.data, headers: headers.data, key: message.key?.toString() };
}

function summarise(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * A header the processor adds to what it sends about a request: when the request's `file.create`
 * record reached Kafka (its timestamp, ISO 8601), for the file's timeline. Optional: records
 * without it are as valid.
 */
export const publishedAtHeader = 'published-at';

/** `message` with the `published-at` header (unchanged when the time is unknown). */
export function withPublishedAt<M extends Message>(message: M, publishedAt: number | undefined): M {
  if (publishedAt === undefined || !Number.isFinite(publishedAt)) return message;
  return { ...message, headers: { ...message.headers, [publishedAtHeader]: new Date(publishedAt).toISOString() } };
}

/** The `published-at` header's time, if it holds a valid one. */
export function publishedAtOf(headers: IHeaders | undefined): Date | undefined {
  const v = headerString(headers, publishedAtHeader);
  const t = v === undefined ? NaN : Date.parse(v);
  return Number.isFinite(t) ? new Date(t) : undefined;
}
