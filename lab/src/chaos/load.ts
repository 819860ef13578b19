/** What a load run saw, from the client's side. */
export interface LoadResult {
  /** Requests the generator meant to make. */
  readonly sent: number;
  /** Files the API accepted (202): the ones that must not be lost. */
  readonly accepted: number[];
  /** 503 answers (with Retry-After) the generator waited out and retried. */
  readonly unavailable: number;
  /** Connection errors (API down) the generator retried. */
  readonly connectionErrors: number;
  /** Requests that never got a 202 before the generator gave up. */
  readonly gaveUp: number;
  /** When the last request was answered (ms since epoch). */
  readonly finishedAt: number;
}

export interface LoadOptions {
  readonly baseUrl: () => Promise<string>;
  readonly files: number;
  /** Requests per second the generator aims for (open loop, bounded concurrency). */
  readonly ratePerSecond: number;
  readonly concurrency?: number;
  /** Per-request budget, retries included. */
  readonly requestTimeoutMs?: number;
  readonly title?: (i: number) => string;
  readonly description?: (i: number) => string;
  /** More fields of each request's body (a format, a lifetime). */
  readonly extra?: (i: number) => Record<string, unknown>;
  /** Called after each acceptance with the count so far and the file's id (scenarios trigger faults on progress). */
  readonly onAccepted?: (count: number, id: number) => void;
}

/**
 * POST `files` requests at a steady rate. A 503 is retried after its Retry-After, a refused
 * connection after 200 ms, until the per-request budget runs out: the client behaves as a
 * well-written client of this API would. Bounded in count and time.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const accepted: number[] = [];
  let unavailable = 0;
  let connectionErrors = 0;
  let gaveUp = 0;
  const budget = o.requestTimeoutMs ?? 60_000;
  const interval = 1000 / o.ratePerSecond;
  const started = Date.now();
  let next = 0;

  const one = async (i: number) => {
    const deadline = Date.now() + budget;
    const body = JSON.stringify({
      title: (o.title ?? ((n) => `chaos file ${n}`))(i),
      description: (o.description ?? ((n) => `load item ${n}`))(i),
      ...o.extra?.(i),
    });
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${await o.baseUrl()}/files`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 202) {
          const { id } = (await res.json()) as { id: number };
          accepted.push(id);
          o.onAccepted?.(accepted.length, id);
          return;
        }
        await res.text();
        if (res.status !== 503) throw new Error(`unexpected ${res.status}`);
        unavailable += 1;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
        connectionErrors += 1;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    gaveUp += 1;
  };

  const workers = Array.from({ length: o.concurrency ?? 16 }, async () => {
    for (;;) {
      const i = next++;
      if (i >= o.files) return;
      const due = started + i * interval;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await one(i);
    }
  });
  await Promise.all(workers);
  return { sent: o.files, accepted, unavailable, connectionErrors, gaveUp, finishedAt: Date.now() };
}
