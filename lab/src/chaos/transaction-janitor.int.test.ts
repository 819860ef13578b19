import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { abortHangingTransactionsCommand } from '@fileflow/infra';
import { producerSettings } from '@fileflow/common';
import { createTestEnv, readTopic, stackSettings, type TestEnv } from '@fileflow/testkit';

const run = promisify(execFile);
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('janitor', { partitions: 1 });
});
afterAll(async () => {
  await env.cleanup();
});

/** The janitor once: abort what has been idle for `idleSeconds`; resolves to what it printed. */
async function janitorOnce(idleSeconds: number): Promise<string> {
  const { command, args } = abortHangingTransactionsCommand(stackSettings.kafkaBrokers.join(','), idleSeconds);
  const { stdout } = await run(command, args, { timeout: 60_000 });
  return stdout;
}

it('aborts a transaction its producer left open, so read_committed readers get past it', async () => {
  const topic = env.topics.fileCreate;
  // A producer that dies inside its transaction: the transaction stays open (here for its 5-minute
  // timeout; after the broker's coordinator loses its markers, for ever).
  const stranded = env.kafka.producer({
    transactionalId: `janitor-${env.id}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 300_000,
  });
  await stranded.connect();
  const tx = await stranded.transaction();
  await tx.send({ topic, messages: [{ key: '1', value: 'inside the open transaction' }] });
  await stranded.disconnect();

  const plain = env.kafka.producer(producerSettings);
  await plain.connect();
  await plain.send({ topic, messages: [{ key: '2', value: 'after it' }] });
  await plain.disconnect();

  const after = (records: readonly { value: string | undefined }[]) => records.some((r) => r.value === 'after it');
  // read_committed (KafkaJS's default) stops at the open transaction.
  await expect(readTopic(env.kafka, topic, after, 3_000)).rejects.toThrow(/condition not met/);

  // Idle for at least 10 s (so no live transaction of a parallel test is at risk), then aborted.
  await new Promise((r) => setTimeout(r, 10_500)); // the fault's age, not a wait for readiness
  const printed = await janitorOnce(10);
  expect(printed).toMatch(
    new RegExp(`aborted the transaction of producer \\d+ \\(epoch \\d+\\) on ${topic.replace(/\./g, '\\.')}-0`),
  );

  const records = await readTopic(env.kafka, topic, after);
  expect(records.map((r) => r.value)).toEqual(['after it']);
}, 120_000);
