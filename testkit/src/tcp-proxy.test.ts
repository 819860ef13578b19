import { createServer, connect, type Server } from 'node:net';
import { freePort } from './free-port';
import { TcpProxy } from './tcp-proxy';

let echo: Server;
let proxy: TcpProxy;

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const address = echo.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  proxy = new TcpProxy(await freePort(), address.port);
  await proxy.start();
});
afterAll(async () => {
  await proxy.stop();
  await new Promise((r) => echo.close(r));
});

it('holds bytes while held (the connection stays open) and delivers them in order on release', async () => {
  const client = connect(proxy.listenPort, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const received: string[] = [];
  client.on('data', (d) => received.push(d.toString()));
  const echoed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => (received.join('').endsWith(text) ? resolve() : client.once('data', check));
      check();
    });

  client.write('a');
  await echoed('a');
  proxy.hold();
  client.write('b');
  client.write('c');
  // Nothing comes back while held, though an echo on loopback takes well under a millisecond.
  await new Promise((r) => setTimeout(r, 200));
  expect(received.join('')).toBe('a');
  expect(client.destroyed).toBe(false);
  proxy.release();
  await echoed('abc');
  expect(received.join('')).toBe('abc');
  client.destroy();
});
