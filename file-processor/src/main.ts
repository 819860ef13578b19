// First: tracing patches the libraries it instruments as they load.
import { telemetry } from '@fileflow/common/src/telemetry/register';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  createFaults,
  parseFaultPlan,
  closeServer,
  createHealthServer,
  createKafka,
  createLogger,
  createMetricsRegistry,
  consumerLagMetrics,
  consumerMetrics,
  createS3Client,
  httpTimeoutsFrom,
  s3SettingsFromEnv,
  listen,
  loadConfig,
  onShutdownSignal,
  startWhenReachable,
  topicsFromEnv,
} from '@fileflow/common';
import { explainS3Error } from './classify-s3-error';
import { processorConfigSchema } from './config';
import { createFileRequestConsumer } from './file-request-consumer';
import { uploadMetrics } from './processor-metrics';

/** The file processor: consumes file.create, writes to S3, publishes file.created. */
async function main(): Promise<void> {
  const config = loadConfig(processorConfigSchema, process.env);
  const logger = createLogger('file-processor', config.LOG_LEVEL, { instance: config.INSTANCE_ID });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, logger);
  const s3 = createS3Client(s3SettingsFromEnv(config));
  const topics = topicsFromEnv(config);
  const registry = config.METRICS_ENABLED ? createMetricsRegistry('file-processor') : undefined;
  const lag =
    registry &&
    consumerLagMetrics(registry, kafka, [
      { groupId: config.KAFKA_GROUP_ID, topic: topics.fileCreate },
      { groupId: `${config.KAFKA_GROUP_ID}.retry`, topic: topics.fileCreateRetry },
    ]);
  const consumer = createFileRequestConsumer({
    kafka,
    s3,
    bucket: config.S3_BUCKET,
    keyPrefix: config.S3_KEY_PREFIX,
    topics,
    groupId: config.KAFKA_GROUP_ID,
    uploadRetry: {
      attempts: config.S3_UPLOAD_ATTEMPTS,
      initialDelayMs: config.S3_RETRY_INITIAL_MS,
      maxDelayMs: config.S3_RETRY_MAX_MS,
      factor: 2,
    },
    retryBudget: {
      budgetMs: config.S3_UPLOAD_BUDGET_MS,
      initialDelayMs: config.S3_RETRY_TOPIC_INITIAL_MS,
      maxDelayMs: config.S3_RETRY_TOPIC_MAX_MS,
      factor: 2,
    },
    uploadConcurrency: config.S3_UPLOAD_CONCURRENCY,
    now: () => new Date(),
    logger,
    faults: createFaults(parseFaultPlan(config.FAULT_CRASH_AT)),
    ...(registry ? { metrics: uploadMetrics(registry), consumerMetrics: consumerMetrics(registry) } : {}),
  });

  const health = createHealthServer(
    async () => {
      const problems: string[] = [];
      const stuck = consumer.problem();
      if (stuck) problems.push(`consumer: ${stuck}`);
      await s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET })).catch((err: unknown) => {
        logger.warn('readiness: S3 check failed', { err: String(err) });
        problems.push(`s3: ${explainS3Error(err)}`);
      });
      return problems;
    },
    { instance: config.INSTANCE_ID, ...(registry ? { metrics: registry } : {}) },
    httpTimeoutsFrom(config),
  );
  const port = await listen(health, config.PORT, config.HOST);
  logger.info('file processor health endpoint listening', { port });

  let stopping = false;
  onShutdownSignal(async () => {
    stopping = true;
    await consumer.stop();
    await lag?.close();
    await closeServer(health);
    s3.destroy();
    await telemetry?.shutdown();
  }, logger);

  if (
    await startWhenReachable(
      'file request consumer',
      () => consumer.start(),
      logger,
      () => stopping,
    )
  ) {
    logger.info('file processor consuming', {
      topics: [topics.fileCreate, topics.fileCreateRetry],
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
