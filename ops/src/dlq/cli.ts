import {
  createKafka,
  createLogger,
  defaultTopics,
  kafkaEnvSchema,
  loadConfig,
  runCommand,
  topicList,
  UsageError,
} from '@fileflow/common';
import { replayDeadLetters } from './replay-dead-letters';

runCommand(
  {
    usage: 'npm run dlq:replay -- --topic <topic> [--dry-run]',
    summary:
      'Send the records of <topic>.dlq back to <topic> (once the cause is fixed), and say how many, by reason.\n' +
      'Reaches Kafka at KAFKA_BROKERS.',
    options: { topic: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    describe: {
      topic: `the topic whose dead letters to replay: ${topicList(defaultTopics).join(', ')}, or a suffixed name`,
      'dry-run': 'count them by reason, send nothing',
    },
  },
  async ({ values }) => {
    if (!values.topic) throw new UsageError('--topic is required');
    const config = loadConfig(kafkaEnvSchema, {
      KAFKA_CLIENT_ID: 'dlq-replay',
      KAFKA_GROUP_ID: 'unused',
      ...process.env,
    });
    const logger = createLogger('dlq-replay', 'warn');
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }, logger);
    const result = await replayDeadLetters(kafka, values.topic, { dryRun: values['dry-run'], logger });
    console.log(`${values['dry-run'] ? 'would replay' : 'replayed'} ${result.replayed} record(s) to ${values.topic}`);
    for (const [reason, n] of Object.entries(result.byReason)) console.log(`  ${n} x ${reason}`);
    return 0;
  },
);
