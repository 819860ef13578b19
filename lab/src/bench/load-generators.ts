import http from 'node:http';
import autocannon from 'autocannon';
import { sleep, summarize, type Summary } from './measure';

/** The benchmark's two load generators: closed loop (autocannon) and open loop at a fixed rate. */

export interface CannonResult {
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rate: number;
  readonly latency: Summary;
}

export interface CannonRequest {
  readonly method: 'GET' | 'POST';
  /** The path of the n-th request. */
  readonly path: (n: number) => string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The answer that counts as served. */
  readonly okStatus: number;
}

/** autocannon, closed loop: `connections` clients sending `r` back to back for `seconds`. */
export function runCannon(url: string, r: CannonRequest, connections: number, seconds: number): Promise<CannonResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let n = 0;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: r.method,
            headers: { ...(r.body === undefined ? {} : { 'content-type': 'application/json' }), ...r.headers },
            ...(r.body === undefined ? {} : { body: r.body }),
            setupRequest: (req) => ({ ...req, path: r.path(n++) }),
          },
        ],
      },
      (err: unknown) => {
        if (err) {
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
          return;
        }
        const s = (Date.now() - started) / 1000;
        resolve({ ok, non2xx, errors, seconds: s, rate: ok / s, latency: summarize(latencies) });
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status === r.okStatus) {
        ok += 1;
        latencies.push(responseTime);
      } else non2xx += 1;
    });
    instance.on('reqError', () => {
      errors += 1;
    });
  });
}

/** `runCannon` of POST /files (`headers` added, e.g. an API key; `extra` fields in the body). */
export function postFilesWithAutocannon(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  /** More fields of the body (a format). */
  extra: Record<string, unknown> = {},
): Promise<CannonResult> {
  const body = JSON.stringify({ title: 'bench file', description: 'posted by autocannon', ...extra });
  return runCannon(url, { method: 'POST', path: () => '/files', headers, body, okStatus: 202 }, connections, seconds);
}

/**
 * Open-loop POST /files at `rate`/s (workers wait for each request's due time), recording for each
 * accepted file when its 202 arrived: an upper bound of its commit time.
 */
export async function postAtRate(
  url: string,
  rate: number,
  count: number,
  concurrency = 64,
): Promise<{ acked: Map<string, number>; failed: number; failures: Record<string, number>; seconds: number }> {
  const acked = new Map<string, number>();
  let failed = 0;
  /** Why POSTs failed: `HTTP <status>` or the client's error code, and how often. */
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    failed += 1;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  let next = 0;
  // A socket left idle is closed by the client after 4 s, before the API's server closes it
  // (Node's keepAliveTimeout, 5 s): otherwise a POST sent on a socket the server is closing at that
  // moment fails with a reset, a race of HTTP/1.1 keep-alive, not a refusal by the API.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, timeout: 4_000 });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const due = started + (i * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        try {
          const res = await postJson(
            agent,
            `${url}/files`,
            JSON.stringify({ title: `bench fixed ${i}`, description: 'posted at a fixed rate' }),
          );
          const at = Date.now();
          if (res.status === 202) acked.set(String((JSON.parse(res.body) as { id: number }).id), at);
          else fail(`HTTP ${res.status}`);
        } catch (err) {
          fail((err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err)));
        }
      }
    }),
  );
  agent.destroy();
  return { acked, failed, failures, seconds: (Date.now() - started) / 1000 };
}

/**
 * One POST over a keep-alive agent. The load generator shares the two cores with the system it
 * measures, so it uses node:http: node:http costs about half of fetch's CPU per request
 * (docs/benchmarks.md).
 */
function postJson(agent: http.Agent, url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}
