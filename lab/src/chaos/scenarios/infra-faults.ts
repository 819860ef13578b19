import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { stackSettings } from '@fileflow/testkit';
import { kafkaUnreachable } from '../kafka-unreachable';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { uploadBudget, uploadBudgetEnv, waitForQuiescence, type World } from '../world';

const files = 300;

const rate = 60;

export const kafkaRestart: Scenario = {
  name: 'kafka-restart',
  title: 'Kafka broker killed (SIGKILL) under load, restarted',
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    await infra.kill('kafka', 'SIGKILL');
    const wasDown = await kafkaUnreachable(stackSettings.kafkaBrokers);
    // How long the broker stays down (the fault's length, not a wait for readiness): 0 by default.
    const downMs = Number(process.env.CHAOS_KAFKA_DOWN_MS ?? 0);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await infra.start('kafka');
    const healedAt = Date.now();
    return { load: await load, healedAt, checks: { 'the broker was unreachable, then back': wasDown } };
  },
};

/** Evidence that the fault is real: one S3 request, not retried, fails. */
export async function s3Unreachable(world: World): Promise<boolean> {
  try {
    await world.env.s3.send(new HeadBucketCommand({ Bucket: world.env.bucket }), {
      abortSignal: AbortSignal.timeout(3_000),
    });
    return false;
  } catch {
    return true;
  }
}

/** How many records `topic` holds (its partitions' high watermarks summed). */
export async function recordsIn(world: World, topic: string): Promise<number> {
  const admin = world.env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const failedFiles = (world: World, ids: readonly number[]) =>
  ids.length
    ? world.env.db
        .selectFrom('files')
        .select(['id', 'error'])
        .where('status', '=', 'failed')
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([]);

/** How long the first S3 scenario keeps S3 down: the fault's length, well within the budget. */
const shortOutageMs = 20_000;

export const s3OutageWithinBudget: Scenario = {
  name: 's3-outage-within-budget',
  title: `S3 server down for ${shortOutageMs / 1000} s under load (upload retry budget ${uploadBudget.budgetMs / 1000} s): nothing fails`,
  // The relay never talks to S3: its mode changes nothing here.
  modes: ['polling'],
  async run(world, infra) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    // SIGTERM, not SIGKILL: S3Proxy's filesystem backend, killed mid-upload, leaves its temp
    // file (`<key>-<uuid>`) behind, visible in listings as an object; the audit rightly flags
    // it, but it is the test server's artifact, not this system's (real S3 is atomic).
    await infra.kill('s3', 'SIGTERM');
    const downAt = Date.now();
    const wasDown = await s3Unreachable(world);
    await new Promise((r) => setTimeout(r, Math.max(0, shortOutageMs - (Date.now() - downAt))));
    await infra.start('s3');
    const healedAt = Date.now();
    const result = await load;
    await waitForQuiescence(world, result.accepted);
    const failed = await failedFiles(world, result.accepted);
    return {
      load: result,
      healedAt,
      checks: {
        'S3 was unreachable, then back': wasDown,
        'uploads waited on the retry topic meanwhile': (await recordsIn(world, world.env.topics.fileCreateRetry)) > 0,
        'no file failed': failed.length === 0,
      },
    };
  },
};

/** The processor's budget in the second S3 scenario: short, so the outage outlasts it quickly. */
const shortBudgetMs = 3_000;

export const s3OutagePastBudget: Scenario = {
  name: 's3-outage-past-budget',
  title: `S3 server down longer than the upload retry budget (${shortBudgetMs / 1000} s): files fail with the reason, then POST /files/:id/retry completes them`,
  modes: ['polling'],
  async run(world, infra) {
    await world.processor.stop();
    await world.processor.start(uploadBudgetEnv(shortBudgetMs));
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate, onAccepted: p.onAccepted });
    await p.reached(100);
    await infra.kill('s3', 'SIGTERM'); // SIGTERM: see s3OutageWithinBudget
    const wasDown = await s3Unreachable(world);
    const result = await load;
    // Down until every accepted file is final: the ones caught by the outage have failed.
    await waitForQuiescence(world, result.accepted);
    const failed = await failedFiles(world, result.accepted);
    await infra.start('s3');
    const retried = await Promise.all(
      failed.map(async ({ id }) => {
        const res = await fetch(`${await world.baseUrl()}/files/${id}/retry`, {
          method: 'POST',
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json()) as { attempt?: number };
        return res.status === 202 && body.attempt === 2;
      }),
    );
    const budgetReason = new RegExp(
      `^the upload kept failing for \\d+ s \\(\\d+ retry rounds, budget ${shortBudgetMs / 1000} s\\): `,
    );
    return {
      load: result,
      healedAt: Date.now(),
      checks: {
        'S3 was unreachable, then back': wasDown,
        'files caught by the outage failed, each with the budget as the reason':
          failed.length > 0 && failed.every((f) => budgetReason.test(f.error ?? '')),
        'each failed file was retried as attempt 2 (202)': retried.every(Boolean),
      },
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
    const during = await fetch(`${await world.baseUrl()}/files/1`, { signal: AbortSignal.timeout(10_000) });
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
