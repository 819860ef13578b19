import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultHttpTimeouts, type HttpTimeouts } from './config';

/** A readiness check: resolves to a list of problems, empty when ready. */
export type ReadinessCheck = () => Promise<string[]>;

/**
 * An HTTP server that cuts off a client sending its headers or its request too slowly
 * (slowloris) and closes idle keep-alive connections, after `timeouts`.
 */
export function createHttpServer(handler: RequestListener, timeouts: HttpTimeouts): Server {
  return createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // Node applies the two timeouts above only when it sweeps its connections (every 30 s by
      // default): sweep often enough that a slow client is cut off close to its timeout.
      connectionsCheckingInterval: Math.min(1_000, Math.max(25, Math.floor(timeouts.headersTimeoutMs / 10))),
    },
    handler,
  );
}

/**
 * A minimal HTTP server for processes without an API: `GET /health/live` (the process
 * answers) and `GET /health/ready` (200 when `ready` reports no problems, else 503).
 */
export function createHealthServer(
  ready: ReadinessCheck,
  extra: Record<string, () => unknown> = {},
  timeouts: HttpTimeouts = defaultHttpTimeouts,
): Server {
  return createHttpServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (path === '/health/live') return send(200, { status: 'ok', node: process.version });
    if (path === '/health/ready') {
      ready().then(
        (problems) => send(problems.length ? 503 : 200, { status: problems.length ? 'unavailable' : 'ok', problems }),
        (err: unknown) => send(503, { status: 'unavailable', problems: [String(err)] }),
      );
      return undefined;
    }
    const handler = extra[path];
    if (handler) {
      Promise.resolve()
        .then(handler)
        .then(
          (body) => send(200, body),
          (err: unknown) => send(500, { error: String(err) }),
        );
      return undefined;
    }
    return send(404, { error: 'not found' });
  }, timeouts);
}

/** Listen and resolve with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Close the server, waiting for open requests. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections?.();
  });
}
