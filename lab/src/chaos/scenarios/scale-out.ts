import { readTopicOrder } from '@fileflow/ops';
import { eventually } from '@fileflow/testkit';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import type { ServiceProcess } from '../service-process';
import type { World } from '../world';

const files = 2_400;
const rate = 120;
/** Every this many accepted files, one is deleted while the load runs (a second event in its life). */
const deleteEvery = 10;
const killAt = files / 3;

/**
 * Several of every service on 6-partition topics: two APIs sharing one port (SO_REUSEPORT), each
 * with its status consumer, two relays and three processors. A third of the way through a load of
 * a few thousand files (a tenth of them deleted while it runs), one of each is killed and stays
 * dead; the survivors carry the rest. Beyond the common audit: every file's records keep their
 * order in the topics, and files kept completing after the kill. With the polling relay the two
 * relays share the outbox; in Debezium mode Kafka Connect publishes, and the relays (which watch
 * the connector and delete what it published) are the instances killed and kept.
 */
export const scaleOut: Scenario = {
  name: 'scale-out',
  title: '2 APIs, 2 relays, 3 processors on 6 partitions; one of each killed mid-run',
  modes: ['polling', 'debezium'],
  world: { partitions: 6, sharedApiPort: true },
  async run(world) {
    const api2 = await world.addInstance('api');
    const relay2 = await world.addInstance('outbox-relay');
    const processor2 = await world.addInstance('file-processor');
    const processor3 = await world.addInstance('file-processor');
    await Promise.all([api2, relay2, processor2, processor3].map((s) => s.start()));
    const victims: ServiceProcess[] = [api2, relay2, processor3];
    // Every consumer has its share of the partitions before the load starts.
    const members = await groupMembers(world, { processors: 3, statusConsumers: 2 });

    const baseUrl = await world.baseUrl();
    const deletions: Array<Promise<number>> = [];
    const at = progress();
    let completedAtKill = 0;
    const kill = (async () => {
      await at.reached(killAt);
      await Promise.all(victims.map((v) => v.kill('SIGKILL')));
      const { n } = await world.env.db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'completed')
        .executeTakeFirstOrThrow();
      completedAtKill = Number(n);
    })();
    const load = await runLoad({
      baseUrl: () => Promise.resolve(baseUrl),
      files,
      ratePerSecond: rate,
      onAccepted(count, id) {
        at.onAccepted(count);
        if (count % deleteEvery === 0) deletions.push(deleteFile(baseUrl, id));
      },
    });
    await kill;
    const statuses = await Promise.all(deletions);
    const healedAt = Date.now();

    const { db } = world.env;
    const { n: completed } = await db
      .selectFrom('files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'completed')
      .executeTakeFirstOrThrow();
    // Order is judged once everything is through: the runner waits for quiescence after this, so
    // read the topics after that too (below, through the audit of order in the checks' promise).
    return {
      load,
      healedAt,
      checks: {
        [`the processors' and status consumers' groups had all their members (${members.processors}, ${members.statusConsumers})`]:
          members.processors === 3 && members.statusConsumers === 2,
        [`every deletion asked for was accepted (${statuses.length}, answers ${[...new Set(statuses)].join(', ')})`]:
          statuses.every((s) => s === 202),
        [`one api, one relay and one processor were killed mid-run (${killAt} of ${files} accepted)`]: victims.every(
          (v) => !v.running,
        ),
        [`files kept completing after the kill (${completedAtKill} then, ${completed} at the end of the load)`]:
          Number(completed) > completedAtKill,
      },
      afterQuiescence: async () => {
        const { topics } = world.env;
        const order = await readTopicOrder(world.env.kafka, [
          topics.fileCreate,
          topics.fileProcessing,
          topics.fileCreated,
        ]);
        const shown = order.violations
          .slice(0, 5)
          .map((v) => `${v.topic} ${v.key}: ${v.detail}`)
          .join('; ');
        return {
          [`each file's records in one partition and in order (${order.records} records${shown ? `: ${shown}` : ''})`]:
            order.violations.length === 0,
        };
      },
    };
  },
};

/** DELETE a file through the shared port, retrying a refused connection (its API may have just been killed). */
async function deleteFile(baseUrl: string, id: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/files/${id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
      await res.text();
      if (res.status !== 503 || Date.now() > deadline) return res.status;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The members of the processors' and the status consumers' groups, once they are as many as expected (or 60 s passed). */
async function groupMembers(
  world: World,
  expected: { processors: number; statusConsumers: number },
): Promise<{ processors: number; statusConsumers: number }> {
  const admin = world.env.kafka.admin();
  await admin.connect();
  const count = async () => {
    const { groups } = await admin.describeGroups([world.env.groupIds.processor, world.env.groupIds.status]);
    const of = (id: string) => groups.find((g) => g.groupId === id && g.state === 'Stable')?.members.length ?? 0;
    return { processors: of(world.env.groupIds.processor), statusConsumers: of(world.env.groupIds.status) };
  };
  try {
    await eventually(
      async () => {
        const seen = await count();
        if (seen.processors !== expected.processors || seen.statusConsumers !== expected.statusConsumers)
          throw new Error(`members: ${JSON.stringify(seen)}`);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch(() => undefined); // the check reports what it saw
    return await count();
  } finally {
    await admin.disconnect();
  }
}
