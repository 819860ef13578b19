import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { defaultHttpTimeouts, httpTimeoutsFrom, type HttpTimeouts } from './config';
import { ConfigError } from './errors';
import { closeServer, createHealthServer, createHttpServer, listen } from './health-server';
import { createMetricsRegistry } from './metrics';

const timeouts: HttpTimeouts = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 };

let server: Server;
let port: number;
const sockets: Socket[] = [];

beforeEach(async () => {
  server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  }, timeouts);
  port = await listen(server, 0, '127.0.0.1');
});
afterEach(async () => {
  sockets.forEach((s) => s.destroy());
  await closeServer(server);
});

/**
 * Open a connection, send `first`, then `drip` every 50 ms until the server closes it.
 * Resolves with what the server sent and how long the connection lived.
 */
function trickle(first: string, drip: string): Promise<{ received: string; openMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    sockets.push(socket);
    let received = '';
    const timer = setInterval(() => socket.writable && socket.write(drip), 50);
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, openMs: Date.now() - started });
    });
  });
}

describe('HTTP server timeouts', () => {
  it('cuts off a client that sends its headers too slowly (slowloris) with a 408', async () => {
    const { received, openMs } = await trickle('GET /health/live HTTP/1.1\r\nHost: x\r\n', 'X-a: b\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(openMs).toBeGreaterThanOrEqual(timeouts.headersTimeoutMs - 50);
    expect(openMs).toBeLessThan(timeouts.headersTimeoutMs + 500);
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const { received, openMs } = await trickle('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 'x');
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(openMs).toBeLessThan(timeouts.requestTimeoutMs + 500);
  });

  it('answers a prompt client and closes its connection once idle past the keep-alive timeout', async () => {
    const started = Date.now();
    const { received, openMs } = await new Promise<{ received: string; openMs: number }>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      sockets.push(socket);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve({ received: text, openMs: Date.now() - started }));
    });
    expect(received).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
    expect(openMs).toBeGreaterThanOrEqual(timeouts.keepAliveTimeoutMs - 50);
    // Node keeps an idle socket open up to a second past keepAliveTimeout, against races with clients.
    expect(openMs).toBeLessThan(timeouts.keepAliveTimeoutMs + 1_500);
  });
});

describe('health server', () => {
  it('has the default timeouts unless given others', async () => {
    const health = createHealthServer(() => Promise.resolve([]));
    expect(health.headersTimeout).toBe(defaultHttpTimeouts.headersTimeoutMs);
    expect(health.requestTimeout).toBe(defaultHttpTimeouts.requestTimeoutMs);
    expect(health.keepAliveTimeout).toBe(defaultHttpTimeouts.keepAliveTimeoutMs);
    const tuned = createHealthServer(() => Promise.resolve([]), {}, timeouts);
    expect(tuned.headersTimeout).toBe(timeouts.headersTimeoutMs);
    await listen(tuned, 0, '127.0.0.1');
    await closeServer(tuned);
  });
});

describe('httpTimeoutsFrom', () => {
  const env = { HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 };

  it('maps the env to timeouts', () => {
    expect(httpTimeoutsFrom(env)).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => httpTimeoutsFrom({ ...env, HTTP_HEADERS_TIMEOUT_MS: 60_000 })).toThrow(ConfigError);
    expect(() => httpTimeoutsFrom({ ...env, HTTP_HEADERS_TIMEOUT_MS: 60_000 })).toThrow(
      /must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});

describe('GET /metrics', () => {
  it('answers the registry in the Prometheus text format, counting its own requests by path', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    const server = createHealthServer(() => Promise.resolve([]), { metrics: registry });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      await fetch(`http://127.0.0.1:${port}/health/live`);
      await fetch(`http://127.0.0.1:${port}/nowhere/${'x'.repeat(10)}`);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toMatch(
        /fileflow_http_request_duration_seconds_count\{service="test",method="GET",route="\/health\/live",status="200"\} 1/,
      );
      expect(text).toMatch(/route="other",status="404"/);
      expect(text).not.toMatch(/nowhere/);
    } finally {
      await closeServer(server);
    }
  });
});

describe('health answers', () => {
  it('name the instance when one is given, and keep their shape', async () => {
    const named = createHealthServer(() => Promise.resolve(['db: down']), { instance: 'file-processor.2' });
    const plain = createHealthServer(() => Promise.resolve([]));
    const [namedPort, plainPort] = [await listen(named, 0, '127.0.0.1'), await listen(plain, 0, '127.0.0.1')];
    try {
      const live = await (await fetch(`http://127.0.0.1:${namedPort}/health/live`)).json();
      expect(live).toEqual({ status: 'ok', node: process.version, instance: 'file-processor.2' });
      const ready = await fetch(`http://127.0.0.1:${namedPort}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        problems: ['db: down'],
        instance: 'file-processor.2',
      });
      expect(await (await fetch(`http://127.0.0.1:${plainPort}/health/ready`)).json()).toEqual({
        status: 'ok',
        problems: [],
      });
    } finally {
      await closeServer(named);
      await closeServer(plain);
    }
  });

  it('let two servers with reusePort share one port', async () => {
    const a = createHealthServer(() => Promise.resolve([]), { instance: 'a' });
    const b = createHealthServer(() => Promise.resolve([]), { instance: 'b' });
    const port = await listen(a, 0, '127.0.0.1', { reusePort: true });
    try {
      await expect(listen(b, port, '127.0.0.1', { reusePort: true })).resolves.toBe(port);
    } finally {
      await closeServer(a);
      await closeServer(b);
    }
  });
});
