import { errorKind } from './errors';

it.each([
  [
    Object.assign(new Error('The request included a message larger than the max'), { type: 'MESSAGE_TOO_LARGE' }),
    'MESSAGE_TOO_LARGE',
  ],
  [Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:9092'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
  [
    Object.assign(new Error('Connection error: connect ECONNREFUSED 10.0.0.9:9092'), {
      name: 'KafkaJSConnectionError',
    }),
    'KafkaJSConnectionError',
  ],
  [new Error('at 10.0.0.9'), 'unknown error'],
  ['a string', 'unknown error'],
])('names the kind of error, never its message: %s', (err, kind) => {
  expect(errorKind(err)).toBe(kind);
});
