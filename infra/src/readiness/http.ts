/** HTTP services' readiness: GET /health/ready answers 200. */
export async function probeHttp(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
}

/** The Node version a service says it runs on (`GET /health/live`), or undefined if it does not say. */
export async function probeNodeVersion(liveUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(liveUrl, { signal: AbortSignal.timeout(3_000) });
    const body: unknown = await res.json();
    const node = typeof body === 'object' && body !== null ? (body as { node?: unknown }).node : undefined;
    return typeof node === 'string' ? node : undefined;
  } catch {
    return undefined;
  }
}
