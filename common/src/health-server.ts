import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A readiness check: resolves to a list of problems, empty when ready. */
export type ReadinessCheck = () => Promise<string[]>;

/**
 * A minimal HTTP server for processes without an API: `GET /health/live` (the process
 * answers) and `GET /health/ready` (200 when `ready` reports no problems, else 503).
 */
export function createHealthServer(ready: ReadinessCheck, extra: Record<string, () => unknown> = {}): Server {
  return createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (path === '/health/live') return send(200, { status: 'ok' });
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
  });
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
