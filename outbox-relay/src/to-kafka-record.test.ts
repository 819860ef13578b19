import { groupByTopic, toKafkaRecord } from './to-kafka-record';

const row = (id: string, topic: string, aggregateid: string) => ({
  id,
  topic,
  aggregateid,
  type: 'file.create',
  payload: `{"title": "T", "fileId": ${aggregateid}}`,
  traceparent: null,
});

describe('toKafkaRecord', () => {
  it('keys by aggregate id and carries id and type headers, like the Outbox Event Router', () => {
    expect(toKafkaRecord(row('a', 'file.create', '1'))).toEqual({
      key: '1',
      value: '{"title": "T", "fileId": 1}', // jsonb text, byte for byte
      headers: { id: 'a', type: 'file.create' },
    });
  });

  it('adds traceparent when the row has one', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(toKafkaRecord({ ...row('a', 't', '1'), traceparent: tp }).headers).toEqual({
      id: 'a',
      type: 'file.create',
      traceparent: tp,
    });
  });
});

describe('groupByTopic', () => {
  it('groups by topic and keeps the claim order inside each topic', () => {
    const groups = groupByTopic([row('a', 'x', '1'), row('b', 'y', '2'), row('c', 'x', '1')]);
    expect(groups.map((g) => [g.topic, g.messages.map((m) => m.headers?.id)])).toEqual([
      ['x', ['a', 'c']],
      ['y', ['b']],
    ]);
  });
});
