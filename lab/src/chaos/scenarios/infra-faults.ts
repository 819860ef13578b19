import { createKafka, silentLogger } from '@fileflow/common';
import { sql } from 'kysely';
import { eventually } from '../../harness/eventually';
import { stackSettings } from '../../harness/stack-settings';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { uploadBudget } from '../world';

const files = 300;

/** Evidence that the fault is real: a client that does not retry cannot reach the broker. */
async function brokerUnreachable(): Promise<boolean> {
  const kafka = createKafka({ brokers: stackSettings.kafkaBrokers, clientId: 'chaos-probe' }, silentLogger, {
    retry: { retries: 0 },
    connectionTimeout: 1_000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
    return false;
  } catch {
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
const rate = 60;

export const kafkaRestart: Scenario = {
  name: 'kafka-restart',
  title: 'Kafka broker killed (SIGKILL) under load, restarted',
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    await infra.kill('kafka', 'SIGKILL');
    const wasDown = await brokerUnreachable();
    // How long the broker stays down (the fault's length, not a wait for readiness): 0 by default.
    const downMs = Number(process.env.CHAOS_KAFKA_DOWN_MS ?? 0);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await infra.start('kafka');
    const healedAt = Date.now();
    return { load: await load, healedAt, checks: { 'the broker was unreachable, then back': wasDown } };
  },
};

export const s3Outage: Scenario = {
  name: 's3-outage',
  title: `S3 server down longer than the upload retry budget (${uploadBudget.attempts} attempts), then back`,
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    // SIGTERM, not SIGKILL: S3Proxy's filesystem backend, killed mid-upload, leaves its temp
    // file (`<key>-<uuid>`) behind, visible in listings as an object; the audit rightly flags
    // it, but it is the test server's artifact, not this system's (real S3 is atomic).
    await infra.kill('s3', 'SIGTERM');
    // Keep it down until some file has used up its retries: the outage outlasts the budget.
    await eventually(
      async () => {
        const failed = await world.env.db
          .selectFrom('files')
          .select('id')
          .where('status', '=', 'failed')
          .limit(1)
          .execute();
        if (failed.length === 0) throw new Error('no file failed yet');
      },
      { timeoutMs: 60_000 },
    );
    await infra.start('s3');
    const healedAt = Date.now();
    const result = await load;
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM files WHERE status = 'failed' AND error LIKE 'upload to s3://%failed after ${sql.raw(String(uploadBudget.attempts))} attempts: %'`.execute(
      world.env.db,
    );
    return {
      load: result,
      healedAt,
      checks: { 'some files failed, each with the upload error': Number(rows[0]?.n ?? 0) > 0 },
    };
  },
};

export const postgresRestart: Scenario = {
  name: 'postgres-restart',
  title: 'PostgreSQL killed under load (API answers 503 + Retry-After meanwhile), restarted',
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    await infra.kill('postgres', 'SIGKILL');
    // While it is down, the API says so precisely.
    const during = await fetch(`${await world.baseUrl()}/files/1`);
    const retryAfter = during.headers.get('retry-after');
    await during.text();
    await infra.start('postgres');
    const healedAt = Date.now();
    const result = await load;
    return {
      load: result,
      healedAt,
      checks: {
        'the API answered 503 with Retry-After while Postgres was down': during.status === 503 && retryAfter !== null,
      },
    };
  },
};
