import {
  faultEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  httpTimeoutsEnvSchema,
  kafkaEnvSchema,
  logEnvSchema,
  topicsEnvSchema,
} from '@fileflow/common';
import { z } from 'zod';
import { inboxRetentionEnvSchema } from './inbox-retention';

/** Everything the API process reads from its environment (names as in the design). */
export const apiConfigSchema = z.object({
  ...httpEnvSchema(3000).shape,
  ...httpTimeoutsEnvSchema.shape,
  ...databaseEnvSchema.shape,
  ...kafkaEnvSchema.shape,
  ...logEnvSchema.shape,
  ...faultEnvSchema.shape,
  ...topicsEnvSchema.shape,
  ...inboxRetentionEnvSchema.shape,
  KAFKA_CLIENT_ID: z.string().min(1).default('api-service'),
  KAFKA_GROUP_ID: z.string().min(1).default('api-service-group'),
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;
