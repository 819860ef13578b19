import { readRetryState, retryHeaderNames, retryHeaders, type RetryState } from './retry-state';

const state: RetryState = {
  round: 3,
  firstFailedAt: Date.parse('2026-12-03T10:00:00.000Z'),
  notBefore: Date.parse('2026-12-03T10:00:05.250Z'),
  lastError: 'Error: connect ECONNREFUSED',
};

describe('retry headers', () => {
  it('round-trip through Kafka headers (which arrive as Buffers)', () => {
    const h = retryHeaders(state);
    expect(h).toEqual({
      'retry-round': '3',
      'retry-first-failed-at': '2026-12-03T10:00:00.000Z',
      'retry-not-before': '2026-12-03T10:00:05.250Z',
      'retry-last-error': 'Error: connect ECONNREFUSED',
    });
    const asConsumed = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(readRetryState(asConsumed)).toEqual({ ok: true, state });
  });

  it('says what is wrong with missing or malformed headers', () => {
    expect(readRetryState(undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('round') });
    expect(
      readRetryState({ ...retryHeaders(state), [retryHeaderNames.round]: '0', [retryHeaderNames.notBefore]: 'soon' }),
    ).toEqual({ ok: false, reason: expect.stringMatching(/round: .*; notBefore: /) });
  });
});
