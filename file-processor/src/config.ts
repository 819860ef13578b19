import {
  faultEnvSchema,
  httpEnvSchema,
  httpTimeoutsEnvSchema,
  instanceEnvSchema,
  kafkaEnvSchema,
  logEnvSchema,
  metricsEnvSchema,
  s3EnvSchema,
  topicsEnvSchema,
} from '@fileflow/common';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** Everything the file processor reads from its environment (names as in the design). */
export const processorConfigSchema = z
  .object({
    ...httpEnvSchema(3001).shape,
    ...httpTimeoutsEnvSchema.shape,
    ...kafkaEnvSchema.shape,
    ...s3EnvSchema.shape,
    ...logEnvSchema.shape,
    ...metricsEnvSchema.shape,
    ...faultEnvSchema.shape,
    ...topicsEnvSchema.shape,
    ...instanceEnvSchema('file-processor').shape,
    KAFKA_CLIENT_ID: z.string().min(1).default('file-service'),
    KAFKA_GROUP_ID: z.string().min(1).default('file-service-group'),
    /** Quick upload attempts in place, and the backoff between them (an S3 hiccup costs no round trip). */
    S3_UPLOAD_ATTEMPTS: positiveInt.default(3),
    S3_RETRY_INITIAL_MS: positiveInt.default(200),
    S3_RETRY_MAX_MS: positiveInt.default(1_000),
    /** How long after its first failure an upload that fails transiently is still tried again. */
    S3_UPLOAD_BUDGET_MS: positiveInt.default(120_000),
    /** Backoff between the tries from the retry topic (full jitter); also the longest a retry record waits. */
    S3_RETRY_TOPIC_INITIAL_MS: positiveInt.default(1_000),
    S3_RETRY_TOPIC_MAX_MS: positiveInt.default(8_000),
    /**
     * Uploads in flight at once for each partition being consumed (docs/benchmarks.md, "Settings
     * these numbers chose").
     */
    S3_UPLOAD_CONCURRENCY: positiveInt.default(16),
  })
  .refine((c) => c.S3_RETRY_TOPIC_INITIAL_MS <= c.S3_RETRY_TOPIC_MAX_MS, {
    message: 'must not exceed S3_RETRY_TOPIC_MAX_MS',
    path: ['S3_RETRY_TOPIC_INITIAL_MS'],
  });
export type ProcessorConfig = z.infer<typeof processorConfigSchema>;
