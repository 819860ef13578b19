import { ConnectError, createConnectClient } from './connect-client';

function fakeFetch(answers: Array<[number, string]>) {
  const calls: string[] = [];
  const impl: typeof fetch = (url) => {
    calls.push(url instanceof Request ? url.url : url.toString());
    const [status, body] = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return Promise.resolve(new Response(body, { status }));
  };
  return { impl, calls };
}

it('asks again while Connect refuses for a rebalance, then returns the answer', async () => {
  const f = fakeFetch([
    [500, '{"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}'],
    [409, '{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration"}'],
    [200, '{"a":"b"}'],
  ]);
  const connect = createConnectClient('http://connect', f.impl, { retryMs: 1 });
  expect(await connect.getConfig('c')).toEqual({ a: 'b' });
  expect(f.calls).toHaveLength(3);
});

it('gives up on a rebalance after the wait, and at once on any other error', async () => {
  const rebalancing = fakeFetch([[500, 'a rebalance is expected']]);
  await expect(
    createConnectClient('http://connect', rebalancing.impl, { rebalanceWaitMs: 5, retryMs: 1 }).list(),
  ).rejects.toThrow(ConnectError);
  expect(rebalancing.calls.length).toBeGreaterThan(1);

  const broken = fakeFetch([[500, 'NullPointerException']]);
  await expect(createConnectClient('http://connect', broken.impl).list()).rejects.toThrow(/500 NullPointerException/);
  expect(broken.calls).toHaveLength(1);
});
