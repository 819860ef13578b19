import { sql } from 'kysely';
import { maxBodyBytes, maxDescriptionLength } from '@fileflow/api';
import { connectorNamesFor, createConnectClient } from '@fileflow/outbox-relay';
import { stackSettings } from '@fileflow/testkit';
import { runLoad } from '../load';
import type { Scenario } from '../scenario';
import type { World } from '../world';

const files = 300;

/**
 * A request as large as a valid one makes its outbox row: a 255-character title and a description
 * of `maxDescriptionLength` control characters, each six bytes in JSON (`\u0001`) and in the
 * row's jsonb text; the body stays under `maxBodyBytes`.
 */
export function maxSizeRequest(i: number): { title: string; description: string } {
  const title = `${i} `.padEnd(255, '한');
  const description = Array.from({ length: maxDescriptionLength }, (_, k) => (k % 2 ? '\u0001' : '\u001f')).join('');
  return { title, description };
}

/** Take the world's relay out of play (polling: its process; Debezium: also the connector). */
async function stopRelay(world: World): Promise<void> {
  await world.relay.kill('SIGTERM');
  if (world.relayMode === 'debezium')
    await createConnectClient(stackSettings.connectUrl).stop(connectorNamesFor(world.env.databaseName).name);
}

async function startRelay(world: World): Promise<void> {
  if (world.relayMode === 'debezium')
    await createConnectClient(stackSettings.connectUrl).resume(connectorNamesFor(world.env.databaseName).name);
  await world.relay.start();
}

export const maxSizeBurst: Scenario = {
  name: 'max-size-burst',
  title: `${files} maximum-size requests (bodies near the ${maxBodyBytes / 1024} KiB limit) accepted while the relay is down, then the relay started`,
  async run(world) {
    await stopRelay(world);
    const load = await runLoad({
      baseUrl: () => world.baseUrl(),
      files,
      ratePerSecond: 100,
      title: (i) => maxSizeRequest(i).title,
      description: (i) => maxSizeRequest(i).description,
    });
    const { rows } = await sql<{ n: string; bytes: string }>`
      SELECT count(*) AS n, coalesce(sum(octet_length(payload::text)), 0) AS bytes FROM outbox`.execute(world.env.db);
    const backlog = Number(rows[0]?.n ?? 0);
    const backlogBytes = Number(rows[0]?.bytes ?? 0);
    await startRelay(world);
    const healedAt = Date.now();
    return {
      load,
      healedAt,
      checks: {
        'the whole burst waited in the outbox while the relay was down': backlog === load.accepted.length,
        'the backlog was larger than one broker request (1 MiB)': backlogBytes > 1_048_576,
      },
    };
  },
};
