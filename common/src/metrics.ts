import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admin, Kafka } from 'kafkajs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics (prom-client). Every process makes one registry (`createMetricsRegistry`)
 * and hands it to the parts that count; nothing registers globally, so several services (or
 * tests) in one process keep their figures apart. `GET /metrics` answers the registry in the
 * Prometheus text format.
 */
export { Registry };

/** Buckets of latencies from a millisecond to a minute, in seconds. */
export const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A registry for `service`, with the process's own metrics (CPU, memory, event loop, GC). */
export function createMetricsRegistry(service: string, o: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (o.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'fileflow_' });
  return registry;
}

/** The registry as `GET /metrics` answers it. */
export async function metricsResponse(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** A counter, gauge or histogram registered on `registry` only. */
export const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers: [registry] });
export const gauge = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
  collect?: (this: Gauge<L>) => Promise<void> | void,
) => new Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
export const histogram = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
  buckets: number[] = latencyBuckets,
) => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

/** What a record consumer counts: what it took and what it set aside. */
export interface ConsumerMetrics {
  readonly records: Counter<'group' | 'topic'>;
  readonly deadLetters: Counter<'topic'>;
}

export function consumerMetrics(registry: Registry): ConsumerMetrics {
  return {
    records: counter(registry, 'fileflow_consumer_records_total', 'records processed', ['group', 'topic']),
    deadLetters: counter(
      registry,
      'fileflow_dead_letters_total',
      'records sent to a dead-letter topic, by the topic they came from',
      ['topic'],
    ),
  };
}

/** How long HTTP requests took, by method, route (the pattern, not the path) and status. */
export function httpMetrics(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  // one histogram per registry, however many servers of the process count into it
  const existing = registry.getSingleMetric('fileflow_http_request_duration_seconds');
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return histogram(registry, 'fileflow_http_request_duration_seconds', 'HTTP requests by route and status', [
    'method',
    'route',
    'status',
  ]);
}

/**
 * Observe `res` in `requests` once it is finished, with the route `routeOf` names when it finishes
 * (an unmatched path is `other`, so arbitrary paths cannot grow the label set).
 */
export function observeRequest(
  requests: Histogram<'method' | 'route' | 'status'>,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: () => string | undefined,
): void {
  const end = requests.startTimer();
  res.once('finish', () => {
    end({ method: req.method ?? 'OTHER', route: routeOf() ?? 'other', status: String(res.statusCode) });
  });
}

/**
 * Consumer lag per group and partition, read from the brokers at each scrape (the group's
 * committed offset against the partition's end), so it shows a group that has stopped consuming
 * as well as one that keeps up. One admin connection, kept open.
 */
export function consumerLagMetrics(
  registry: Registry,
  kafka: Kafka,
  groups: readonly { groupId: string; topic: string }[],
  timeoutMs = 5_000,
): { close(): Promise<void> } {
  let admin: Admin | undefined;
  const connected = async (): Promise<Admin> => {
    if (admin) return admin;
    const a = kafka.admin();
    await a.connect();
    admin = a;
    return a;
  };
  gauge(
    registry,
    'fileflow_consumer_lag',
    "records in the partition after the group's committed offset",
    ['group', 'topic', 'partition'],
    async function () {
      const read = async () => {
        const a = await connected();
        for (const { groupId, topic } of groups) {
          const [ends, committed] = await Promise.all([
            a.fetchTopicOffsets(topic),
            a.fetchOffsets({ groupId, topics: [topic] }),
          ]);
          const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
          for (const end of ends) {
            const from = done.get(end.partition) ?? -1n;
            // No committed offset yet: the group starts from the beginning, so all of it is lag.
            const lag = BigInt(end.high) - (from < 0n ? BigInt(end.low) : from);
            this.set({ group: groupId, topic, partition: String(end.partition) }, Number(lag > 0n ? lag : 0n));
          }
        }
      };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        read(),
        new Promise<void>(
          (_, reject) => (timer = setTimeout(() => reject(new Error('lag read timed out')), timeoutMs)),
        ),
      ])
        .catch(async () => {
          // Kafka unreachable: no figures this scrape, and a fresh connection next time.
          const a = admin;
          admin = undefined;
          await a?.disconnect().catch(() => undefined);
        })
        .finally(() => clearTimeout(timer));
    },
  );
  return {
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
