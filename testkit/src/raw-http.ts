import { createServer, request, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import { closeServer, listen } from '@fileflow/common';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
}

/**
 * Send `body` to `app` byte for byte, with exactly `headers` (supertest re-serializes a Buffer
 * sent as JSON, so bytes that are not UTF-8 could not be sent through it).
 */
export async function sendRaw(
  app: RequestListener,
  req: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: Buffer },
): Promise<RawResponse> {
  const server = createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  try {
    return await new Promise<RawResponse>((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port, method: req.method ?? 'POST', path: req.path, headers: req.headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  } finally {
    await closeServer(server);
  }
}
