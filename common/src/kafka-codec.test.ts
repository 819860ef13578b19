import type { KafkaMessage } from 'kafkajs';
import { fileCreateSchema, fileCreatedSchema } from './contracts';
import { decodeRecord, encodeRecord } from './kafka-codec';

const id = '0b8f1f3e-5c55-4c1b-9d43-0a3d2b7f9a10';
const value = { fileId: 7, title: 'T', description: 'D', timestamp: '2026-11-24T10:00:00.000Z' };

function asConsumed(m: ReturnType<typeof encodeRecord>): KafkaMessage {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = Buffer.from(String(v));
  return {
    key: Buffer.from(String(m.key)),
    value: Buffer.from(String(m.value)),
    headers,
    timestamp: '0',
    attributes: 0,
    offset: '0',
  };
}

describe('record codec', () => {
  it('round-trips a valid record with key = file id', () => {
    const decoded = decodeRecord(asConsumed(encodeRecord(7, value, { id, type: 'file.create' })), fileCreateSchema);
    expect(decoded).toEqual({ ok: true, value, headers: { id, type: 'file.create' }, key: '7' });
  });

  it('treats a null-valued header (as Debezium sends for a NULL column) as absent', () => {
    const message = asConsumed(encodeRecord(7, value, { id, type: 'file.create' }));
    const withNull = { ...message, headers: { ...message.headers, traceparent: null } } as unknown as KafkaMessage;
    expect(decodeRecord(withNull, fileCreateSchema)).toEqual({
      ok: true,
      value,
      headers: { id, type: 'file.create' },
      key: '7',
    });
  });

  it.each([
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
    ['another version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['garbage', 'not a traceparent'],
  ])('repairs an invalid traceparent (%s): absent, not a dead letter', (_name, traceparent) => {
    const message = asConsumed(encodeRecord(7, value, { id, type: 'file.create', traceparent }));
    expect(decodeRecord(message, fileCreateSchema)).toEqual({
      ok: true,
      value,
      headers: { id, type: 'file.create' },
      key: '7',
    });
  });

  it('keeps a valid traceparent', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const decoded = decodeRecord(
      asConsumed(encodeRecord(7, value, { id, type: 'file.create', traceparent })),
      fileCreateSchema,
    );
    expect(decoded).toMatchObject({ ok: true, headers: { id, type: 'file.create', traceparent } });
  });

  it.each([
    ['a value that is not JSON', { value: Buffer.from('{nope') }, /value is not JSON/],
    ['an empty value', { value: null }, /empty value/],
    ['a missing id header', { headers: { type: Buffer.from('file.create') } }, /invalid headers: id/],
    ['an unknown type header', { headers: { id: Buffer.from(id), type: Buffer.from('x') } }, /invalid headers: type/],
    ['a schema-invalid value', { value: Buffer.from('{"fileId":"7"}') }, /does not match the file.create schema/],
  ])('rejects %s without throwing', (_name, patch, reason) => {
    const message = { ...asConsumed(encodeRecord(7, value, { id, type: 'file.create' })), ...patch } as KafkaMessage;
    const decoded = decodeRecord(message, fileCreateSchema);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});

describe('file.created values the files table cannot take', () => {
  const created = {
    fileId: 7,
    title: 'T',
    s3Location: 's3://bucket/files/7.txt',
    status: 'failed',
    error: 'boom',
    timestamp: '2026-11-24T10:00:00.000Z',
  };
  const decode = (v: object) =>
    decodeRecord(asConsumed(encodeRecord(7, v, { id, type: 'file.created' })), fileCreatedSchema);

  it('accepts a location of 500 characters (the column)', () => {
    expect(decode({ ...created, s3Location: `s3://b/${'k'.repeat(493)}` }).ok).toBe(true);
  });

  it.each([
    ['a location over 500 characters', { s3Location: `s3://b/${'k'.repeat(494)}` }, /s3Location/],
    ['a NUL in the location', { s3Location: 's3://b/a\u0000b' }, /s3Location: must not contain U\+0000/],
    ['a NUL in the error', { error: 'x\u0000' }, /error: must not contain U\+0000/],
  ])('sends %s to the dead-letter topic instead of failing the transaction', (_name, patch, reason) => {
    const decoded = decode({ ...created, ...patch });
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});
