import { createHash, randomUUID } from 'node:crypto';
import { v7 } from 'uuid';
import { traceparentSchema } from './contracts';

/**
 * A new message id: a time-ordered (v7) uuid, its first 48 bits the time in ms. Ids made one after
 * another sort one after another, so a B-tree keyed by them (the outbox's primary key, the
 * consumers' inbox) takes each insert on its newest leaf page. With random ids every insert lands
 * on a random page of an index larger than PostgreSQL's buffers, and the first change to each page
 * after a checkpoint writes the whole page to the write-ahead log (docs/benchmarks.md, "What moved
 * each number").
 */
export const newId = (): string => v7();

/**
 * A name-based uuid: the same inputs always give the same id, so a message produced again after a
 * crash carries the id of the first attempt and consumers dedupe it. The last 74 bits are SHA-1
 * of the namespace and the name, as in a v5 uuid; the first 48 are the namespace's own, so an id
 * derived from a v7 id sorts with it, by the time of the request it answers. Version 8 (RFC 9562's
 * layout for uuids of one's own design), since it is neither a v5 nor a v7.
 */
export function deterministicId(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace is not a uuid: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  ns.copy(b, 0, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x80;
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

/**
 * `value` if it is a valid traceparent (`traceparentSchema`), else undefined: W3C Trace Context
 * says to ignore an invalid one, never to fail the request or the record that carries it.
 */
export function validTraceparent(value: unknown): string | undefined {
  const parsed = traceparentSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A traceparent that continues `parent`'s trace with a new span id, or starts a new trace. */
export function childTraceparent(parent: string | undefined): string {
  const valid = validTraceparent(parent);
  if (!valid) return newTraceparent();
  const traceId = valid.slice(3, 35);
  const spanId = randomUUID().replace(/-/g, '').slice(0, 16);
  return `00-${traceId}-${spanId}-01`;
}
