import { topicOrderViolations, type OrderedRecord } from './topic-order';

let offset = 0n;
const rec = (o: Partial<OrderedRecord> & Pick<OrderedRecord, 'type'>): OrderedRecord => ({
  topic: 'file.create',
  partition: 0,
  offset: (offset += 1n),
  key: '1',
  attempt: 1,
  ...o,
});

describe('topicOrderViolations', () => {
  it('accepts a life in order, redeliveries included, and other files interleaved', () => {
    expect(
      topicOrderViolations([
        rec({ type: 'file.create' }),
        rec({ type: 'file.create', key: '2', partition: 1 }),
        rec({ type: 'file.create' }), // a redelivery
        rec({ type: 'file.create', attempt: 2 }),
        rec({ type: 'file.delete' }),
        rec({ type: 'file.delete' }), // asked again after a late upload
        rec({ topic: 'file.created', type: 'file.created' }),
        rec({ topic: 'file.created', type: 'file.deleted' }),
        rec({ topic: 'file.created', type: 'file.created', attempt: 1 }), // a late upload's outcome
      ]),
    ).toEqual([]);
  });

  it("finds a file's records in two partitions of a topic", () => {
    expect(
      topicOrderViolations([rec({ type: 'file.create' }), rec({ type: 'file.create', partition: 3, attempt: 2 })]),
    ).toEqual([{ topic: 'file.create', key: '1', detail: 'records in partitions 0, 3' }]);
  });

  it('finds a creation after the deletion, and an attempt going down, whatever order the records came in', () => {
    const del = rec({ type: 'file.delete' });
    const create = rec({ type: 'file.create' });
    expect(topicOrderViolations([create, del]).map((v) => v.detail)).toEqual([
      `file.create at offset ${create.offset} after file.delete at ${del.offset}`,
    ]);
    const second = rec({ topic: 'file.processing', type: 'file.processing', attempt: 2 });
    const first = rec({ topic: 'file.processing', type: 'file.processing', attempt: 1 });
    expect(topicOrderViolations([first, second]).map((v) => v.detail)).toEqual([
      `file.processing of attempt 1 at offset ${first.offset} after attempt 2`,
    ]);
  });
});
