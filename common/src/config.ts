import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Parse `env` with `schema` once at start-up; on failure throw a ConfigError that lists every
 * problem, so a misconfigured process fails fast with all the facts.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return Object.freeze(parsed.data) as z.infer<S>;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

const port = z.coerce.number().int().min(0).max(65535);

/** Env of the design's Kafka settings. */
export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim())),
  KAFKA_CLIENT_ID: z.string().min(1),
  KAFKA_GROUP_ID: z.string().min(1),
});

/** How long an S3 call may take (ms), so an endpoint that stops answering fails the call instead of holding it. */
export const S3_TIMEOUT_DEFAULTS = {
  /** Opening the TCP connection. */
  connectionTimeoutMs: 3_000,
  /** From sending the request to the response's headers, and the longest silence while a body streams. */
  requestTimeoutMs: 15_000,
} as const;

/** Env of the design's S3 settings. */
export const s3EnvSchema = z.object({
  AWS_ENDPOINT: z.url().default('http://127.0.0.1:4566'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().min(1).default('test'),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).default('test'),
  S3_BUCKET: z.string().min(3).default('file-storage-bucket'),
  /** Prefix of every object key; tests give each run its own. */
  S3_KEY_PREFIX: z
    .string()
    .regex(/^([\w.-]+\/)*$/)
    .default('files/'),
  S3_CONNECTION_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(S3_TIMEOUT_DEFAULTS.connectionTimeoutMs),
  S3_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(S3_TIMEOUT_DEFAULTS.requestTimeoutMs),
});

const millis = z.coerce.number().int().min(0).max(3_600_000);

/**
 * How long a PostgreSQL call may take (ms; 0 = no limit), so a server that stops answering cannot
 * hold a caller. The client-side query timeout must exceed the statement timeout: the server's
 * cancel comes first and keeps the connection; the client's closes it.
 */
export const DATABASE_TIMEOUT_DEFAULTS = {
  /** Connecting, and waiting for a free connection of the pool. */
  connectTimeoutMs: 5_000,
  /** The server cancels a statement running longer (`statement_timeout`; lock waits count). */
  statementTimeoutMs: 30_000,
  /**
   * The server ends a session idle inside a transaction this long (`idle_in_transaction_session_timeout`):
   * longer than the relay's transaction waits for a publish (Kafka retries for about a minute).
   */
  idleInTransactionTimeoutMs: 120_000,
  /** No answer to a query within this: the client closes the connection (a half-open one included). */
  queryTimeoutMs: 35_000,
  /** TCP keepalive probes start after this much silence on a connection. */
  keepAliveDelayMs: 10_000,
} as const;

export const databaseEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: millis.min(1).default(DATABASE_TIMEOUT_DEFAULTS.connectTimeoutMs),
  DATABASE_STATEMENT_TIMEOUT_MS: millis.default(DATABASE_TIMEOUT_DEFAULTS.statementTimeoutMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: millis.default(DATABASE_TIMEOUT_DEFAULTS.idleInTransactionTimeoutMs),
  DATABASE_QUERY_TIMEOUT_MS: millis.default(DATABASE_TIMEOUT_DEFAULTS.queryTimeoutMs),
  DATABASE_KEEPALIVE_DELAY_MS: millis.min(1).default(DATABASE_TIMEOUT_DEFAULTS.keepAliveDelayMs),
});
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

export const httpEnvSchema = (defaultPort: number) =>
  z.object({
    PORT: port.default(defaultPort),
    HOST: z.string().default('127.0.0.1'),
  });

const timeoutMs = z.coerce.number().int().min(100).max(3_600_000);

/**
 * Env of an HTTP server's timeouts (see `HttpTimeouts`). Spread its shape into a process's
 * config and pass `httpTimeoutsFrom(config)` to `createHttpServer` / `createHealthServer`.
 */
export const httpTimeoutsEnvSchema = z.object({
  HTTP_HEADERS_TIMEOUT_MS: timeoutMs.default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: timeoutMs.default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: timeoutMs.default(5_000),
});

/** How long an HTTP server waits for a client; a client slower than this is cut off. */
export interface HttpTimeouts {
  /** From connection (or the previous response) to the end of the request's headers. */
  readonly headersTimeoutMs: number;
  /** From connection to the end of the request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
}

const httpTimeoutsSchema = httpTimeoutsEnvSchema
  .refine((t) => t.HTTP_HEADERS_TIMEOUT_MS <= t.HTTP_REQUEST_TIMEOUT_MS, {
    message: 'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
  })
  .transform((t): HttpTimeouts => ({
    headersTimeoutMs: t.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: t.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: t.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  }));

/** The defaults of `httpTimeoutsEnvSchema`, for servers whose process does not configure them. */
export const defaultHttpTimeouts: HttpTimeouts = httpTimeoutsSchema.parse({});

/** The timeouts of a loaded config; throws a ConfigError when they contradict each other. */
export function httpTimeoutsFrom(config: z.infer<typeof httpTimeoutsEnvSchema>): HttpTimeouts {
  const parsed = httpTimeoutsSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
}

/** `METRICS_ENABLED=false` leaves a service without metrics (no `/metrics`): the benchmark's baseline. */
export const metricsEnvSchema = z.object({
  METRICS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

/**
 * Which instance of `service` this process is, when several run: written into every log line
 * and every health answer, so a reader can tell which one spoke. Default: the service's name.
 */
export const instanceEnvSchema = (service: string) =>
  z.object({
    INSTANCE_ID: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'letters, digits, _, . and - only (at most 64)')
      .default(service),
  });

export const logEnvSchema = z.object({
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

/** Failure-suite fault plan (see faults.ts); unset in normal operation. */
export const faultEnvSchema = z.object({
  FAULT_CRASH_AT: z.string().optional(),
});
