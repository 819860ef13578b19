import type pg from 'pg';
import { QueryTimeoutError, limitQueryTime, prepareRepeatedQueries } from './connection';

/** A stand-in for a pg client that records what reaches `query`. */
function fakeClient() {
  const calls: unknown[][] = [];
  const client = { query: (...args: unknown[]) => (calls.push(args), Promise.resolve({ rows: [] })) };
  return { client: client as unknown as pg.ClientBase, calls };
}

describe('prepareRepeatedQueries', () => {
  it('names each query text once per connection, so PostgreSQL parses and plans it once', async () => {
    const { client, calls } = fakeClient();
    prepareRepeatedQueries(client);
    await client.query('select $1', [1]);
    await client.query('select $1, $2', [1, 2]);
    await client.query('select $1', [3]);
    expect(calls).toEqual([
      [{ name: 'k0', text: 'select $1', values: [1] }],
      [{ name: 'k1', text: 'select $1, $2', values: [1, 2] }],
      [{ name: 'k0', text: 'select $1', values: [3] }],
    ]);
  });

  it('runs texts beyond the cap unnamed, and passes other call shapes through', async () => {
    const { client, calls } = fakeClient();
    prepareRepeatedQueries(client, 1);
    await client.query('a', []);
    await client.query('b', []);
    await client.query('LISTEN x');
    expect(calls).toEqual([
      [{ name: 'k0', text: 'a', values: [] }],
      [{ name: undefined, text: 'b', values: [] }],
      ['LISTEN x'],
    ]);
  });
});

describe('limitQueryTime', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('closes the connection of a query that gets no answer in time', () => {
    const client = { query: () => new Promise(() => undefined) } as unknown as pg.ClientBase;
    const closed: Error[] = [];
    limitQueryTime(client, 100, (err) => closed.push(err));
    void client.query('select 1');
    jest.advanceTimersByTime(99);
    expect(closed).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(closed).toEqual([expect.any(QueryTimeoutError)]);
  });

  it('leaves a query that answers alone, and does nothing with 0', async () => {
    const closed: Error[] = [];
    const client = { query: () => Promise.resolve({ rows: [] }) } as unknown as pg.ClientBase;
    limitQueryTime(client, 100, (err) => closed.push(err));
    await client.query('select 1');
    jest.advanceTimersByTime(1_000);
    expect(closed).toHaveLength(0);

    const unlimited = { query: () => new Promise(() => undefined) } as unknown as pg.ClientBase;
    limitQueryTime(unlimited, 0, (err) => closed.push(err));
    void unlimited.query('select 1');
    jest.advanceTimersByTime(3_600_000);
    expect(closed).toHaveLength(0);
  });
});
