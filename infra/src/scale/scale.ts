/**
 * How many instances of each service run, and how an instance is named and reached: pure
 * functions, no I/O. Instance 1 of a service keeps the service's own name, port and files
 * (`api`, `.stack/pids/api.pid`); instance k > 1 is `<service>.<k>` (`file-processor.3`).
 */
import { SERVICE_NAMES, type InstanceName, type ServiceName } from '../config';

/** The most instances of one service the launcher starts: more only compete for the same cores. */
export const MAX_INSTANCES = 8;

export type Scale = Readonly<Record<ServiceName, number>>;
export const ONE_EACH: Scale = { api: 1, 'outbox-relay': 1, 'file-processor': 1 };

export interface InstanceRef {
  readonly service: ServiceName;
  readonly index: number;
}

/** A bad `--scale` or instance name; the CLI answers it with exit code 2. */
export class ScaleError extends Error {}

const isService = (s: string): s is ServiceName => (SERVICE_NAMES as readonly string[]).includes(s);

/** `1..MAX_INSTANCES` written in decimal digits, or a ScaleError saying what is wrong with `raw`. */
function count(raw: string, what: string): number {
  if (!/^\d+$/.test(raw)) throw new ScaleError(`${what}: "${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < 1) throw new ScaleError(`${what}: at least 1 (stop a service with \`stop <name>\`)`);
  if (n > MAX_INSTANCES) throw new ScaleError(`${what}: at most ${MAX_INSTANCES}, got ${n}`);
  return n;
}

/**
 * `--scale api=2,file-processor=3`: the counts named, on top of `base` for the others. Refuses
 * (ScaleError) an unknown service, a service named twice, a count that is not 1..MAX_INSTANCES.
 */
export function parseScale(arg: string | undefined, base: Scale = ONE_EACH): Scale {
  if (arg === undefined || arg.trim() === '') {
    throw new ScaleError(`--scale needs <service>=<count>[,...], e.g. --scale api=2,file-processor=3`);
  }
  const out: Record<ServiceName, number> = { ...base };
  const seen = new Set<string>();
  for (const part of arg.split(',')) {
    const [name = '', raw, extra] = part.split('=').map((s) => s.trim());
    if (raw === undefined || extra !== undefined || name === '') {
      throw new ScaleError(`--scale: "${part}" is not <service>=<count>`);
    }
    if (!isService(name)) throw new ScaleError(`--scale: unknown service "${name}" (${SERVICE_NAMES.join(', ')})`);
    if (seen.has(name)) throw new ScaleError(`--scale: ${name} is named twice`);
    seen.add(name);
    out[name] = count(raw, `--scale ${name}`);
  }
  return out;
}

/** `api=2,outbox-relay=1,file-processor=3` */
export const formatScale = (scale: Scale): string => SERVICE_NAMES.map((s) => `${s}=${scale[s]}`).join(',');

export const instanceName = ({ service, index }: InstanceRef): InstanceName =>
  index === 1 ? service : `${service}.${index}`;

/** The instances 1..n of `service`. */
export const instancesOf = (service: ServiceName, n: number): InstanceRef[] =>
  Array.from({ length: n }, (_, i) => ({ service, index: i + 1 }));

/**
 * What a command names: a service (every instance of it: `index` undefined) or one instance
 * (`api` is the service; `api.1` is its first instance, as is `api` for a single one).
 */
export function parseTarget(name: string): { service: ServiceName; index?: number } | undefined {
  if (isService(name)) return { service: name };
  const m = /^(.+)\.(\d+)$/.exec(name);
  if (!m || !isService(m[1] ?? '')) return undefined;
  return { service: m[1] as ServiceName, index: count(m[2] ?? '', name) };
}

/**
 * The ports of an instance. `own` is its alone: where the launcher probes its readiness and
 * Prometheus scrapes it (the first instance's port plus 100 per further instance). The API's
 * instances also share `shared` (3000, with SO_REUSEPORT); their own is an admin port answering
 * health and metrics only.
 */
export function instancePorts({ service, index }: InstanceRef): { own: number; shared?: number } {
  const step = 100 * (index - 1);
  switch (service) {
    case 'api':
      return { own: 3003 + step, shared: 3000 };
    case 'file-processor':
      return { own: 3001 + step };
    case 'outbox-relay':
      return { own: 3002 + step };
  }
}

/** A distinct Kafka client id per instance, so that partition owners can be told apart. */
export const instanceClientId = (clientId: string, index: number): string =>
  index === 1 ? clientId : `${clientId}-${index}`;
