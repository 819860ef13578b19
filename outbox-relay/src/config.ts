import {
  databaseEnvSchema,
  faultEnvSchema,
  httpEnvSchema,
  httpTimeoutsEnvSchema,
  instanceEnvSchema,
  kafkaEnvSchema,
  logEnvSchema,
  metricsEnvSchema,
  topicsEnvSchema,
} from '@fileflow/common';
import { z } from 'zod';
import { relayModes } from './relay-mode';

const positiveInt = z.coerce.number().int().positive();

/** Everything the relay process reads from its environment. */
export const relayConfigSchema = z.object({
  ...httpEnvSchema(3002).shape,
  ...httpTimeoutsEnvSchema.shape,
  ...databaseEnvSchema.shape,
  ...kafkaEnvSchema.shape,
  ...logEnvSchema.shape,
  ...metricsEnvSchema.shape,
  ...faultEnvSchema.shape,
  ...topicsEnvSchema.shape,
  ...instanceEnvSchema('outbox-relay').shape,
  /** `polling`: this process publishes the outbox. `debezium`: Kafka Connect does, this process registers and watches it. */
  RELAY_MODE: z.enum(relayModes).default('polling'),
  KAFKA_CLIENT_ID: z.string().min(1).default('outbox-relay'),
  KAFKA_GROUP_ID: z.string().min(1).default('outbox-relay-group'),
  RELAY_BATCH_SIZE: positiveInt.max(10_000).default(500),
  /** At most this many record bytes per batch (default: what the broker's message.max.bytes allows). */
  RELAY_BATCH_MAX_BYTES: positiveInt.optional(),
  /** Failing this long without a batch going through makes /health/ready answer 503. */
  RELAY_UNREADY_AFTER_MS: positiveInt.default(30_000),
  RELAY_POLL_INTERVAL_MS: positiveInt.default(1_000),
  /** Under load (a batch of several rows), wait this long before the next claim (0: never). */
  RELAY_LINGER_MS: z.coerce.number().int().min(0).max(100).default(8),
  KAFKA_CONNECT_URL: z.url().default('http://127.0.0.1:8083'),
  /** Connector name; by default derived from the database name. */
  DEBEZIUM_CONNECTOR_NAME: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
  DEBEZIUM_CLEANUP_INTERVAL_MS: positiveInt.default(1_000),
  /**
   * The connector's `poll.interval.ms`: how long each poll gathers changes. Each poll is one Kafka
   * transaction, and its records wait for it: shorter is lower latency at a light load, longer is
   * fewer transactions and less CPU a file under a heavy one (docs/relays.md).
   */
  DEBEZIUM_POLL_INTERVAL_MS: positiveInt.max(10_000).default(50),
  /**
   * How long the replication slot's confirmed position may stand still before the relay
   * restarts the connector, then re-creates it. Heartbeats move it every 10 s on an idle
   * database, so this must be well above that; an initial snapshot longer than this gets restarted.
   */
  DEBEZIUM_STALL_MS: positiveInt.min(15_000).default(60_000),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;
