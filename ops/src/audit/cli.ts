import {
  createKafka,
  createS3Client,
  databaseEnvSchema,
  kafkaEnvSchema,
  loadConfig,
  nonNegativeNumber,
  runCommand,
  s3EnvSchema,
  s3SettingsFromEnv,
  silentLogger,
  topicsEnvSchema,
  topicsFromEnv,
} from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { collectFacts } from './collect';
import { expectedContents } from './expected-contents';
import { formatReport } from './format-report';
import { judge } from './judge';

/** Where the dead-letter topics are (the services' KAFKA_BROKERS and TOPIC_SUFFIX). */
const auditKafkaEnvSchema = topicsEnvSchema.extend(kafkaEnvSchema.pick({ KAFKA_BROKERS: true }).shape);

const spec = {
  usage: 'npm run audit -- [options]',
  summary:
    'Check the invariants across PostgreSQL, the outbox, the inbox, the bucket and the dead-letter topics of the\n' +
    'deployment named by DATABASE_URL, AWS_ENDPOINT, S3_BUCKET, S3_KEY_PREFIX, KAFKA_BROKERS and TOPIC_SUFFIX.',
  options: {
    'max-age': { type: 'string', default: '60' },
    'max-outbox-age': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    'no-kafka': { type: 'boolean', default: false },
  },
  describe: {
    'max-age': 'seconds a file may stay pending or processing before it counts as stuck',
    'max-outbox-age': 'seconds the oldest outbox row may wait before the relay counts as behind',
    json: 'print the report as JSON',
    'no-kafka': 'do not read the dead-letter topics',
  },
  epilogue: 'Exits 0 when every invariant holds, 1 on any violation, 2 on a usage or connection error.',
} as const;

runCommand(
  spec,
  async ({ values }) => {
    const limits = {
      maxNonTerminalAgeMs: nonNegativeNumber('max-age', values['max-age']) * 1000,
      maxOutboxAgeMs: nonNegativeNumber('max-outbox-age', values['max-outbox-age']) * 1000,
    };
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
      const expected = await expectedContents(facts);
      const report = judge(facts, limits, (f) => expected.get(f.id));
      console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.violations.length === 0 ? 0 : 1;
    } finally {
      await db.destroy();
      s3.destroy();
    }
  },
  { failureCode: 2 },
);
