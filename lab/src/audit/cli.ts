import { parseArgs } from 'node:util';
import {
  createKafka,
  createS3Client,
  databaseEnvSchema,
  kafkaEnvSchema,
  loadConfig,
  s3EnvSchema,
  s3SettingsFromEnv,
  silentLogger,
  topicsEnvSchema,
  topicsFromEnv,
} from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { renderFile } from '@fileflow/file-processor';
import { collectFacts } from './collect';
import { formatReport } from './format-report';
import { judge } from './judge';

/** Where the dead-letter topics are (the services' KAFKA_BROKERS and TOPIC_SUFFIX). */
const auditKafkaEnvSchema = topicsEnvSchema.extend(kafkaEnvSchema.pick({ KAFKA_BROKERS: true }).shape);

/**
 * `npm run audit`: check the invariants across Postgres, the outbox, the inbox, the bucket and the
 * dead-letter topics (`--no-kafka`: not those).
 * Exits 1 on any violation (2 on a usage or connection error).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'max-age': { type: 'string', default: '60' },
      'max-outbox-age': { type: 'string', default: '30' },
      json: { type: 'boolean', default: false },
      'no-kafka': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig(databaseEnvSchema.extend(s3EnvSchema.shape).extend(auditKafkaEnvSchema.shape), {
    DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb',
    ...process.env,
  });
  const db = createDb(config.DATABASE_URL, 2);
  const s3 = createS3Client(s3SettingsFromEnv(config));
  try {
    const kafka = values['no-kafka']
      ? undefined
      : {
          client: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'fileflow-audit' }, silentLogger),
          topics: topicsFromEnv(config),
        };
    const facts = await collectFacts({
      db,
      s3,
      bucket: config.S3_BUCKET,
      keyPrefix: config.S3_KEY_PREFIX,
      ...(kafka ? { kafka } : {}),
    });
    const report = judge(
      facts,
      {
        maxNonTerminalAgeMs: Number(values['max-age']) * 1000,
        maxOutboxAgeMs: Number(values['max-outbox-age']) * 1000,
      },
      renderFile,
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.violations.length === 0 ? 0 : 1;
  } finally {
    await db.destroy();
    s3.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
