import { createHash, randomUUID } from 'node:crypto';

/** A random (v4) uuid. */
export const newId = (): string => randomUUID();

/**
 * A name-based (v5) uuid: the same inputs always give the same id, so a message produced
 * again after a crash carries the id of the first attempt and consumers dedupe it.
 */
export function deterministicId(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace is not a uuid: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** W3C traceparent for a new trace (sampled). */
export function newTraceparent(): string {
  const traceId = randomUUID().replace(/-/g, '');
  const spanId = randomUUID().replace(/-/g, '').slice(0, 16);
  return `00-${traceId}-${spanId}-01`;
}

/** A traceparent that continues `parent`'s trace with a new span id. */
export function childTraceparent(parent: string | undefined): string {
  const traceId = parent?.split('-')[1];
  if (!traceId || traceId.length !== 32) return newTraceparent();
  const spanId = randomUUID().replace(/-/g, '').slice(0, 16);
  return `00-${traceId}-${spanId}-01`;
}
