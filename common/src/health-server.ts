import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultHttpTimeouts, type HttpTimeouts } from './config';
import { httpMetrics, metricsResponse, observeRequest, type Registry } from './metrics';

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

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface HealthOptions {
  /** Optional dependencies that are down: named in the answer, without making the process unready. */
  readonly degraded?: () => string[];
  /** Which instance answers (`INSTANCE_ID`), in every answer when set. */
  readonly instance?: string;
}

/**
 * `GET /health/live` (the process answers, and on which Node) and `GET /health/ready` (200 when
 * `ready` reports no problems, else 503 with them; `degraded` names optional dependencies that
 * are down, without making the process unready); both name the `instance` when given. Any other
 * request goes on to `next`. Every service answers its health through this, the API as Express
 * middleware.
 */
export function healthEndpoints(ready: ReadinessCheck, o: HealthOptions = {}): Handler {
  const degraded = o.degraded ?? (() => []);
  const who = o.instance === undefined ? {} : { instance: o.instance };
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (path === '/health/live') return sendJson(res, 200, { status: 'ok', node: process.version, ...who });
    if (path !== '/health/ready') return next();
    ready().then(
      (problems) => {
        const optional = degraded();
        sendJson(res, problems.length ? 503 : 200, {
          status: problems.length ? 'unavailable' : 'ok',
          problems,
          ...(optional.length ? { degraded: optional } : {}),
          ...who,
        });
      },
      (err: unknown) => sendJson(res, 503, { status: 'unavailable', problems: [String(err)], ...who }),
    );
    return undefined;
  };
}

/**
 * A minimal HTTP server for processes without an API (and for the API's own admin port): the
 * health endpoints, `GET /metrics` (the registry's metrics in the Prometheus text format, with
 * this server's own requests counted), and `json` paths answered with the JSON their function
 * returns.
 */
export function createHealthServer(
  ready: ReadinessCheck,
  o: { metrics?: Registry; json?: Record<string, () => unknown> } & HealthOptions = {},
  timeouts: HttpTimeouts = defaultHttpTimeouts,
): Server {
  const health = healthEndpoints(ready, o);
  const extra = o.json ?? {};
  const registry = o.metrics;
  const requests = registry ? httpMetrics(registry) : undefined;
  return createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (requests) {
      observeRequest(requests, req, res, () =>
        ['/health/live', '/health/ready', '/metrics', ...Object.keys(extra)].includes(path) ? path : undefined,
      );
    }
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
    if (registry && path === '/metrics') {
      metricsResponse(registry).then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (err: unknown) => sendJson(res, 500, { error: String(err) }),
      );
      return undefined;
    }
    health(req, res, () => {
      const handler = extra[path];
      if (!handler) return sendJson(res, 404, { error: 'not found' });
      Promise.resolve()
        .then(handler)
        .then(
          (body) => sendJson(res, 200, body),
          (err: unknown) => sendJson(res, 500, { error: String(err) }),
        );
      return undefined;
    });
    return undefined;
  }, timeouts);
}

/**
 * Listen and resolve with the bound port (0 picks a free one). With `reusePort` (Linux
 * SO_REUSEPORT) several processes, each listening so, share the port and the kernel spreads new
 * connections over them: several instances behind one address with no proxy.
 */
export function listen(server: Server, port: number, host: string, o: { reusePort?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ...(o.reusePort ? { reusePort: true } : {}) }, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}

/** Close the server, waiting for open requests. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections?.();
  });
}
