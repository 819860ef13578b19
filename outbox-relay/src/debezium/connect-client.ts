/** The part of Kafka Connect's REST API the relay uses. */
export interface ConnectorStatus {
  readonly connector: { state: string };
  readonly tasks: ReadonlyArray<{ id: number; state: string; trace?: string }>;
}

export class ConnectError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/**
 * Kafka Connect refuses requests while its group rebalances (409, or 500 "a rebalance is
 * expected"); the same request succeeds moments later.
 */
export function isRebalanceRefusal(status: number, body: string): boolean {
  return status === 409 || (status === 500 && /rebalance/i.test(body));
}

export function createConnectClient(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  {
    rebalanceWaitMs = 30_000,
    retryMs = 250,
    requestTimeoutMs = 30_000,
  }: { rebalanceWaitMs?: number; retryMs?: number; requestTimeoutMs?: number } = {},
) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T | undefined> => {
    const deadline = Date.now() + rebalanceWaitMs;
    for (;;) {
      const res = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await res.text();
      if (res.status === 404) return undefined;
      if (res.ok) return text ? (JSON.parse(text) as T) : undefined;
      if (!isRebalanceRefusal(res.status, text) || Date.now() >= deadline) {
        throw new ConnectError(res.status, `${method} ${path}: ${res.status} ${text}`);
      }
      await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  return {
    getConfig: (name: string) => call<Record<string, string>>('GET', `/connectors/${name}/config`),
    /** Create or update (idempotent). */
    putConfig: (name: string, config: Record<string, string>) =>
      call<unknown>('PUT', `/connectors/${name}/config`, config),
    status: (name: string) => call<ConnectorStatus>('GET', `/connectors/${name}/status`),
    delete: (name: string) => call<unknown>('DELETE', `/connectors/${name}`),
    /** Restart the connector and its tasks: only the FAILED ones unless `onlyFailed` is false. */
    restart: (name: string, { onlyFailed = true }: { onlyFailed?: boolean } = {}) =>
      call<unknown>('POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=${String(onlyFailed)}`),
    /** Stop the connector and its tasks, keeping its config and offsets (KIP-875; state `STOPPED`). */
    stop: (name: string) => call<unknown>('PUT', `/connectors/${name}/stop`),
    /** Run a paused or stopped connector again. */
    resume: (name: string) => call<unknown>('PUT', `/connectors/${name}/resume`),
    /** Forget a STOPPED connector's source offsets, so a connector of that name starts afresh (snapshot). */
    resetOffsets: (name: string) => call<unknown>('DELETE', `/connectors/${name}/offsets`),
    list: () => call<string[]>('GET', '/connectors'),
    /** Every connector's status in one call (`GET /connectors?expand=status`). */
    statuses: () => call<Record<string, { status?: ConnectorStatus }>>('GET', '/connectors?expand=status'),
  };
}
export type ConnectClient = ReturnType<typeof createConnectClient>;
