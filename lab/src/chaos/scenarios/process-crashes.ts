import type { FaultPoint } from '@fileflow/common';
import { runLoad, type LoadResult } from '../load';
import type { Scenario } from '../scenario';
import type { ServiceProcess } from '../service-process';
import type { World } from '../world';

const files = 300;
const rate = 100;

/**
 * Restart `pick(world)` with a crash planned at `point` (hit number `at`), drive the load,
 * and start the process again, without the fault, as soon as it has died.
 */
function crashScenario(
  name: string,
  title: string,
  pick: (w: World) => ServiceProcess,
  point: FaultPoint,
  at: number,
  extraChecks: (w: World, load: LoadResult) => Promise<Record<string, boolean>> = () => Promise.resolve({}),
): Scenario {
  return {
    name,
    title,
    async run(world) {
      const victim = pick(world);
      await victim.kill('SIGKILL');
      await victim.start({ FAULT_CRASH_AT: `${point}:${at}` });
      let healedAt = 0;
      const restart = (async () => {
        await victim.waitForExit(120_000);
        await victim.start();
        healedAt = Date.now();
      })();
      const load = await runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate });
      await restart;
      return {
        load,
        healedAt,
        checks: {
          [`${victim.kind} crashed at ${point} and was restarted`]: victim.crashes.length === 1,
          ...(await extraChecks(world, load)),
        },
      };
    },
  };
}

export const relayCrash: Scenario = {
  ...crashScenario(
    'relay-crash',
    'relay killed between the broker ack and the commit of its delete, restarted',
    (w) => w.relay,
    'relay.after-publish',
    3,
  ),
  modes: ['polling'], // in debezium mode Kafka Connect publishes: see connect-crash
};

export const processorCrash = crashScenario(
  'processor-crash',
  'processor killed after the upload, before file.created, restarted',
  (w) => w.processor,
  'processor.after-upload',
  20,
);

// The 5th transaction that changes statuses, not a later one: the status consumer groups the
// events that arrive together into one transaction, so how many transactions 300 files take
// depends on how bursty their arrival is, so a later crash point may never be reached.
export const statusConsumerCrash = crashScenario(
  'status-consumer-crash',
  'status consumer (api process) killed mid-apply, before commit, restarted',
  (w) => w.api,
  'status.before-commit',
  5,
);

// The API answers only after its file committed; killed between its shared insert's commit and
// the answers, it leaves files that no client was told of (the clients retry and create new
// ones). Those must still be published and completed like any other: the common audit finds
// every file of the database terminal, the check below that the crash did leave some.
export const apiCrash = crashScenario(
  'api-crash',
  'api killed after its shared insert committed, before answering, restarted',
  (w) => w.api,
  'api.after-commit',
  20,
  async (world, load) => {
    const { n } = await world.env.db
      .selectFrom('files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const untold = Number(n) - load.accepted.length;
    return { [`the crash left committed files that no client was told of (${untold})`]: untold > 0 };
  },
);
