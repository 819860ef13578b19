import { sql } from 'kysely';
import { maxBodyBytes, maxDescriptionLength } from '@fileflow/api';
import { connectorNamesFor, createConnectClient } from '@fileflow/outbox-relay';
import { connectUrl } from '../../harness';
import { runLoad } from '../load';
import type { Scenario } from '../scenario';
import type { World } from '../world';

const files = 300;

/**
 * The largest request the API takes, near both of its limits: a 255-character title and a
 * description of `maxDescriptionLength` characters whose JSON is as long as the body limit allows
 * (a control character is six bytes escaped, a Hangul syllable three), so the outbox row's payload
 * is as large as a valid request makes it.
 */
export function maxSizeRequest(i: number): { title: string; description: string } {
  const title = `${i} `.padEnd(255, '한');
  const control = Math.floor((maxBodyBytes - 2_000 - 3 * maxDescriptionLength) / 3); // 6 bytes instead of 3
  const description = '\u0001'.repeat(control) + '한'.repeat(maxDescriptionLength - control);
  return { title, description };
}

/** Take the world's relay out of play (polling: its process; Debezium: also the connector). */
async function stopRelay(world: World): Promise<void> {
  await world.relay.kill('SIGTERM');
  if (world.relayMode === 'debezium')
    await createConnectClient(connectUrl).stop(connectorNamesFor(world.env.databaseName).name);
}

async function startRelay(world: World): Promise<void> {
  if (world.relayMode === 'debezium')
    await createConnectClient(connectUrl).resume(connectorNamesFor(world.env.databaseName).name);
  await world.relay.start();
}

export const maxSizeBurst: Scenario = {
  name: 'max-size-burst',
  title: `${files} maximum-size requests (${maxBodyBytes / 1024} KiB bodies) accepted while the relay is down, then the relay started`,
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
