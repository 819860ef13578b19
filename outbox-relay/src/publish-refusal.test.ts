import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { refusalReason } from './publish-refusal';
import { batchByteBudget } from './broker-limits';

const protocolError = (type: string, message: string) =>
  Object.assign(new Error(message), { name: 'KafkaJSProtocolError', type, retriable: false });

describe('refusalReason', () => {
  it('names a refusal of the record itself', () => {
    expect(
      refusalReason(
        protocolError('MESSAGE_TOO_LARGE', 'The request included a message larger than the max message size'),
      ),
    ).toBe('MESSAGE_TOO_LARGE: The request included a message larger than the max message size');
    expect(refusalReason(protocolError('INVALID_RECORD', 'bad record'))).toMatch(/^INVALID_RECORD: /);
  });

  it("finds it inside KafkaJS's wrappers", () => {
    const inner = Object.assign(new KafkaJSProtocolError('too big'), { type: 'RECORD_LIST_TOO_LARGE' });
    expect(refusalReason(Object.assign(new KafkaJSNonRetriableError('wrapped'), { cause: inner }))).toMatch(
      /^RECORD_LIST_TOO_LARGE: /,
    );
    expect(refusalReason({ errors: [new Error('x'), inner] })).toMatch(/^RECORD_LIST_TOO_LARGE: /);
  });

  it('is undefined for errors about the cluster rather than the row', () => {
    expect(refusalReason(protocolError('TOPIC_AUTHORIZATION_FAILED', 'no'))).toBeUndefined();
    expect(refusalReason(protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'unknown'))).toBeUndefined();
    expect(refusalReason(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(refusalReason('string')).toBeUndefined();
    expect(refusalReason(null)).toBeUndefined();
  });
});

describe('batchByteBudget', () => {
  it('keeps room for the batch framing under the broker limit, and honours a smaller setting', () => {
    expect(batchByteBudget(1_048_588)).toBe(1_047_564);
    expect(batchByteBudget(1_048_588, 200_000)).toBe(200_000);
    expect(batchByteBudget(1_048_588, 5_000_000)).toBe(1_047_564);
  });
});
