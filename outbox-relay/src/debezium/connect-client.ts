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

export function createConnectClient(baseUrl: string, fetchImpl: typeof fetch = fetch) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T | undefined> => {
    const res = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status === 404) return undefined;
    if (!res.ok) throw new ConnectError(res.status, `${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as T) : undefined;
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
    list: () => call<string[]>('GET', '/connectors'),
    /** Every connector's status in one call (`GET /connectors?expand=status`). */
    statuses: () => call<Record<string, { status?: ConnectorStatus }>>('GET', '/connectors?expand=status'),
  };
}
export type ConnectClient = ReturnType<typeof createConnectClient>;
