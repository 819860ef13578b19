import {
  faultEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  logEnvSchema,
  s3EnvSchema,
  topicsEnvSchema,
} from '@fileflow/common';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** Everything the file processor reads from its environment (names as in the design). */
export const processorConfigSchema = z.object({
  ...httpEnvSchema(3001).shape,
  ...kafkaEnvSchema.shape,
  ...s3EnvSchema.shape,
  ...logEnvSchema.shape,
  ...faultEnvSchema.shape,
  ...topicsEnvSchema.shape,
  KAFKA_CLIENT_ID: z.string().min(1).default('file-service'),
  KAFKA_GROUP_ID: z.string().min(1).default('file-service-group'),
  /** Upload attempts before a file is reported `failed`, and the backoff between them. */
  S3_UPLOAD_ATTEMPTS: positiveInt.default(5),
  S3_RETRY_INITIAL_MS: positiveInt.default(200),
  S3_RETRY_MAX_MS: positiveInt.default(5_000),
  /** Uploads in flight at once for each partition being consumed (see docs/benchmarks.md). */
  S3_UPLOAD_CONCURRENCY: positiveInt.default(16),
});
export type ProcessorConfig = z.infer<typeof processorConfigSchema>;
