import { childTraceparent, deterministicId, newId, newTraceparent, validTraceparent } from './ids';

const uuid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe('newId', () => {
  it('is a v7 uuid whose first 48 bits are the time in ms', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(id).toMatch(uuid);
    expect(id[14]).toBe('7');
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('sorts ids made one after another in the order they were made, within the same ms too', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('deterministicId', () => {
  it("is SHA-1 of namespace and name (v5's hash) behind the namespace's first 48 bits, as version 8", () => {
    // RFC 4122's DNS namespace; its published v5 uuid of www.example.com is
    // 2ed6657d-e927-568b-95e1-2665a8aea6a2: the same hash bits after the first 48, version 8.
    expect(deterministicId('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '6ba7b810-9dad-868b-95e1-2665a8aea6a2',
    );
  });

  it('sorts with the v7 id it derives from: by the time of the request', () => {
    const first = newId();
    const later = `${(parseInt(first.slice(0, 8), 16) + 1).toString(16).padStart(8, '0')}${first.slice(8)}`;
    for (const name of ['file.processing', 'file.created', 'file.deleted']) {
      const a = deterministicId(first, name);
      const b = deterministicId(later, name);
      expect(a).toMatch(uuid);
      expect(a[14]).toBe('8');
      expect(a.slice(0, 13)).toBe(first.slice(0, 13));
      expect(a < b).toBe(true);
    }
  });

  it('gives the same id for the same inputs and different ids otherwise', () => {
    const ns = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
    expect(deterministicId(ns, 'file.created')).toBe(deterministicId(ns, 'file.created'));
    expect(deterministicId(ns, 'file.created')).not.toBe(deterministicId(ns, 'file.processing'));
  });

  it('rejects a namespace that is not a uuid', () => {
    expect(() => deterministicId('nope', 'x')).toThrow('namespace is not a uuid');
  });
});

describe('traceparent', () => {
  const format = /^00-[\da-f]{32}-[\da-f]{16}-01$/;

  it('starts a new trace in W3C format', () => {
    expect(newTraceparent()).toMatch(format);
  });

  it('continues the parent trace with a new span', () => {
    const parent = newTraceparent();
    const child = childTraceparent(parent);
    expect(child).toMatch(format);
    expect(child.split('-')[1]).toBe(parent.split('-')[1]);
    expect(child.split('-')[2]).not.toBe(parent.split('-')[2]);
  });

  it('starts a new trace when the parent is missing or malformed', () => {
    expect(childTraceparent(undefined)).toMatch(format);
    expect(childTraceparent('garbage')).toMatch(format);
  });

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';
  it.each([
    ['upper-case hex', `00-${traceId.toUpperCase()}-${spanId.toUpperCase()}-01`],
    ['another version', `01-${traceId}-${spanId}-01`],
    ['version ff', `ff-${traceId}-${spanId}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${spanId}-01`],
    ['an all-zero parent id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['upper-case flags', `00-${traceId}-${spanId}-0A`],
    ['two headers joined by Node', `00-${traceId}-${spanId}-01, 00-${traceId}-${spanId}-01`],
    ['a trailing field', `00-${traceId}-${spanId}-01-extra`],
    ['a short trace id', `00-${traceId.slice(1)}-${spanId}-01`],
  ])('treats %s as invalid: a new trace, not the sent one', (_name, parent) => {
    expect(validTraceparent(parent)).toBeUndefined();
    const child = childTraceparent(parent);
    expect(child).toMatch(format);
    expect(child.split('-')[1]).not.toBe(traceId);
  });

  it('accepts the W3C example and keeps its trace id', () => {
    const parent = `00-${traceId}-${spanId}-01`;
    expect(validTraceparent(parent)).toBe(parent);
    expect(childTraceparent(parent).split('-')[1]).toBe(traceId);
  });
});
