import { faultEnvSchema, databaseEnvSchema, httpEnvSchema, kafkaEnvSchema, logEnvSchema } from '@fileflow/common';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** Everything the polling relay reads from its environment. */
export const relayConfigSchema = z.object({
  ...httpEnvSchema(3002).shape,
  ...databaseEnvSchema.shape,
  ...kafkaEnvSchema.shape,
  ...logEnvSchema.shape,
  ...faultEnvSchema.shape,
  KAFKA_CLIENT_ID: z.string().min(1).default('outbox-relay'),
  KAFKA_GROUP_ID: z.string().min(1).default('outbox-relay-group'),
  RELAY_BATCH_SIZE: positiveInt.max(10_000).default(500),
  RELAY_POLL_INTERVAL_MS: positiveInt.default(1_000),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;
