import { connectorNamesFor, createConnectClient } from '@fileflow/outbox-relay';
import { eventually, stackSettings } from '@fileflow/testkit';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';

/** Kafka Connect killed (kill -9) in the middle of a burst of 500 files. */
export const connectCrash: Scenario = {
  name: 'connect-crash',
  title: 'Kafka Connect killed (SIGKILL) in the middle of a burst of 500 files, restarted',
  modes: ['debezium'],
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files: 500, ratePerSecond: 150, onAccepted: p.onAccepted });
    await p.reached(200);
    await infra.kill('connect', 'SIGKILL');
    await infra.start('connect');
    const healedAt = Date.now();
    const result = await load;
    // The connector's task runs again on the new worker (its config lives in Kafka).
    const connect = createConnectClient(stackSettings.connectUrl);
    const name = connectorNamesFor(world.env.databaseName).name;
    const running = await eventually(async () => {
      const status = await connect.status(name);
      if (status?.tasks[0]?.state !== 'RUNNING') throw new Error(`task ${status?.tasks[0]?.state ?? 'missing'}`);
      return true;
    }).catch(() => false);
    return { load: result, healedAt, checks: { 'the connector task runs again after the restart': running } };
  },
};
