/** HTTP services' readiness: GET /health/ready answers 200. */
export async function probeHttp(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
}
