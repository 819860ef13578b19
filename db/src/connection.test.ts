import type pg from 'pg';
import { prepareRepeatedQueries } from './connection';

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
