import { parseArgs } from 'node:util';
import { createKafka, createLogger, defaultTopics, kafkaEnvSchema, loadConfig, topicList } from '@fileflow/common';
import { replayDeadLetters } from './replay-dead-letters';

/**
 * `npm run dlq:replay -- --topic file.created [--dry-run]`: send dead letters back to their
 * topic (after the cause is fixed). Prints how many, by reason.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { topic: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const known = topicList(defaultTopics);
  if (!values.topic) throw new Error(`--topic is required (one of ${known.join(', ')} or a suffixed name)`);
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
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
