import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can add latency to every chunk in both directions and reset
 * every open connection on demand: the network faults of the failure suite (what Toxiproxy
 * does, without a separate server to install).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  latencyMs = 0;
  resets = 0;
  /** While held, bytes wait in the proxy in both directions (connections stay open): a stalled network. */
  private gate: Promise<void> = Promise.resolve();
  private releaseGate: (() => void) | undefined;

  constructor(
    readonly listenPort: number,
    readonly upstreamPort: number,
    readonly upstreamHost = '127.0.0.1',
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.upstreamPort, this.upstreamHost);
      this.track(client);
      this.track(upstream);
      this.pipe(client, upstream);
      this.pipe(upstream, client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.listenPort, '127.0.0.1', resolve);
    });
  }

  /** Reset (RST) every open connection; new ones are accepted again at once. */
  resetAll(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.resets += 1;
  }

  /** Hold every byte from now on, in both directions, until `release()`; connections stay open. */
  hold(): void {
    if (this.releaseGate) return;
    this.gate = new Promise<void>((r) => (this.releaseGate = r));
  }

  /** Deliver what was held, in order, and forward again. */
  release(): void {
    this.releaseGate?.();
    this.releaseGate = undefined;
  }

  async stop(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** Forward `from` to `to`, delaying each chunk by the current latency, in order. */
  private pipe(from: Socket, to: Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      const delay = this.latencyMs;
      chain = chain
        .then(() => (delay > 0 ? new Promise<void>((r) => setTimeout(r, delay)) : undefined))
        .then(() => this.gate)
        .then(() => {
          if (!to.destroyed) to.write(chunk);
        });
    });
  }
}
