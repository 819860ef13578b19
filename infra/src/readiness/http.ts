/** HTTP services' readiness: GET /health/ready answers 200. */
export async function probeHttp(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
}

/** What a service says of itself on `GET /health/live`: its Node version and instance, when it says. */
export async function probeLive(liveUrl: string): Promise<{ node?: string; instance?: string }> {
  try {
    const res = await fetch(liveUrl, { signal: AbortSignal.timeout(3_000) });
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null) return {};
    const { node, instance } = body as { node?: unknown; instance?: unknown };
    return {
      ...(typeof node === 'string' ? { node } : {}),
      ...(typeof instance === 'string' ? { instance } : {}),
    };
  } catch {
    return {};
  }
}
