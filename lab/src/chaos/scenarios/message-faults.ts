import { sql } from 'kysely';
import { deadLetterHeaders, encodeRecord, newId } from '@fileflow/common';
import { eventually, readTopic } from '@fileflow/testkit';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { waitForQuiescence } from '../world';

const files = 200;

export const replayFileCreated: Scenario = {
  name: 'replay-file-created',
  title: 'the whole file.created and file.processing topics replayed from offset 0 (mass duplicates)',
  async run(world) {
    const load = await runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: 100 });
    await waitForQuiescence(world, load.accepted);
    const before = await world.env.db.selectFrom('file_transitions').select('id').execute();

    // Rewind the status consumer's group to the beginning of both topics.
    await world.api.stop();
    const admin = world.env.kafka.admin();
    await admin.connect();
    for (const topic of [world.env.topics.fileCreated, world.env.topics.fileProcessing]) {
      await admin.resetOffsets({ groupId: world.env.groupIds.status, topic, earliest: true });
    }
    await admin.disconnect();
    await world.api.start();
    const healedAt = Date.now();

    // Every record comes again and is dropped as a duplicate.
    const expected = load.accepted.length * 2;
    await eventually(
      async () => {
        const { rows } = await sql<{ n: string }>`SELECT coalesce(sum(duplicates), 0) AS n FROM inbox`.execute(
          world.env.db,
        );
        if (Number(rows[0]?.n) < expected) throw new Error(`${rows[0]?.n} of ${expected} duplicates seen`);
      },
      { timeoutMs: 120_000 },
    );
    const after = await world.env.db.selectFrom('file_transitions').select('id').execute();
    return {
      load,
      healedAt,
      checks: { 'no status changed during the replay': after.length === before.length },
    };
  },
};

export const poisonMessages: Scenario = {
  name: 'poison',
  title: 'poison records injected into file.create and file.created under load',
  async run(world) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: 100, onAccepted: p.onAccepted });
    await p.reached(50);
    const producer = world.env.kafka.producer();
    await producer.connect();
    const headers = (type: string) => ({ id: newId(), type });
    const poison = {
      [world.env.topics.fileCreate]: [
        { key: '1', value: '{not json', headers: headers('file.create') },
        { key: '1', value: JSON.stringify({ fileId: -1, title: '' }), headers: headers('file.create') },
        {
          key: '1',
          value: JSON.stringify({ fileId: 1, title: 't', description: 'd', timestamp: new Date().toISOString() }),
          headers: {},
        },
        { key: '1', value: null, headers: headers('file.create') },
      ],
      [world.env.topics.fileCreated]: [
        { key: '1', value: '[]', headers: headers('file.created') },
        { key: '1', value: JSON.stringify({ fileId: 1, status: 'done' }), headers: headers('file.created') },
        encodeRecord(
          2_000_000_000,
          {
            fileId: 2_000_000_000,
            title: 't',
            s3Location: 's3://b/k',
            status: 'completed',
            timestamp: new Date().toISOString(),
          },
          { id: newId(), type: 'file.created' },
        ),
      ],
    };
    for (const [topic, messages] of Object.entries(poison)) await producer.send({ topic, messages });
    await producer.disconnect();
    const result = await load;
    const dead = await Promise.all(
      Object.entries(poison).map(async ([topic, messages]) => {
        const got = await readTopic(world.env.kafka, `${topic}.dlq`, (rs) => rs.length >= messages.length);
        return got.length === messages.length && got.every((r) => r.headers[deadLetterHeaders.reason]);
      }),
    );
    return {
      load: result,
      checks: { 'every poison record is on its dead-letter topic with a reason': dead.every(Boolean) },
    };
  },
};
