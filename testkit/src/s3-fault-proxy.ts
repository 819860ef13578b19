import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What S3 answers a client that should slow down: a real transient error, 503 `SlowDown`. */
const slowDown =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

/**
 * An HTTP proxy in front of the real S3 server that injects S3's own faults: uploads of chosen
 * keys answered `503 SlowDown` (the rest go through untouched, signatures and all, since the
 * Host header is kept), or the whole endpoint down (connections refused) and up again on the
 * same port.
 */
export class S3FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  /** Object keys whose uploads fail for now. */
  readonly failingKeys = new Set<string>();
  /** Uploads answered with an injected failure, by key. */
  readonly failures = new Map<string, number>();

  constructor(private readonly upstream: URL) {}

  /** The endpoint to give an S3 client. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Refuse connections (and drop the open ones) until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  }

  /** Listen again, on the same port. */
  up(): Promise<void> {
    return this.start();
  }

  stop(): Promise<void> {
    return this.down();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const key = [...this.failingKeys].find((k) => req.method === 'PUT' && (req.url ?? '').includes(k));
    if (key !== undefined) {
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      req.resume();
      req.once('end', () => res.writeHead(503, { 'content-type': 'application/xml' }).end(slowDown));
      return;
    }
    const out = request(
      {
        hostname: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  }
}
