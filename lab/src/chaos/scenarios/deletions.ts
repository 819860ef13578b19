import { mapConcurrent } from '@fileflow/common';
import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { waitForQuiescence, type World } from '../world';
import { recordsIn, s3Unreachable } from './infra-faults';

const files = 200;
const rate = 100;

/** How many of `ids` are expired. */
async function expiredCount(world: World, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { n } = await world.env.db
    .selectFrom('files')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', [...ids])
    .where('status', '=', 'expired')
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** `DELETE /files/:id` for each id, 16 at a time; resolves with how many answered 202. */
async function deleteAll(world: World, ids: readonly number[]): Promise<number> {
  const base = await world.baseUrl();
  const answers = await mapConcurrent(ids, 16, async (id) => {
    const res = await fetch(`${base}/files/${id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    await res.text();
    return res.status;
  });
  return answers.filter((s) => s === 202).length;
}

/**
 * Files made, then all deleted while the processor is killed after its 30th deletion (the object
 * gone, `file.deleted` not yet sent) and restarted: every file ends expired once, no object stays.
 */
export const deletionCrash: Scenario = {
  name: 'deletion-crash',
  title: 'processor killed in the middle of a batch of deletions (after a deletion, before file.deleted), restarted',
  async run(world) {
    const load = await runLoad({ baseUrl: () => world.baseUrl(), files, ratePerSecond: rate });
    await waitForQuiescence(world, load.accepted);
    await world.processor.kill('SIGKILL');
    await world.processor.start({ FAULT_CRASH_AT: 'processor.after-delete:30' });
    let healedAt = 0;
    const restart = (async () => {
      await world.processor.waitForExit(120_000);
      await world.processor.start();
      healedAt = Date.now();
    })();
    const accepted = await deleteAll(world, load.accepted);
    await restart;
    await waitForQuiescence(world, load.accepted);
    return {
      load,
      healedAt,
      checks: {
        'the processor crashed after a deletion and was restarted': world.processor.crashes.length === 1,
        'every DELETE answered 202': accepted === load.accepted.length,
        'every file expired': (await expiredCount(world, load.accepted)) === load.accepted.length,
      },
    };
  },
};

/** How long S3 stays down in the expiry race: past the files' lifetime, well within the retry budget. */
const outageMs = 8_000;

/**
 * Files with a 3 s lifetime while S3 goes down for 8 s: their uploads wait on the retry topic
 * and expire meanwhile, so their deletions queue behind them, fail too and wait on the same topic;
 * once S3 is back the retried uploads and deletions run in whatever order. Every file must end
 * expired with no object left (an upload that lands after its deletion is deleted again).
 */
export const expiryRetryRace: Scenario = {
  name: 'expiry-retry-race',
  title: `files expiring while their uploads wait on the retry topic (S3 down ${outageMs / 1000} s): expiry races the retries`,
  async run(world, infra) {
    await world.api.stop();
    await world.api.start({ EXPIRY_SWEEP_INTERVAL_MS: '250' });
    const p = progress();
    const load = runLoad({
      baseUrl: () => world.baseUrl(),
      files,
      ratePerSecond: rate,
      onAccepted: p.onAccepted,
      extra: (i) => ({ expiresInSeconds: 3, format: (['txt', 'pdf', 'docx'] as const)[i % 3] }),
    });
    await p.reached(50);
    await infra.kill('s3', 'SIGTERM'); // SIGTERM: see s3OutageWithinBudget
    const downAt = Date.now();
    const wasDown = await s3Unreachable(world);
    await new Promise((r) => setTimeout(r, Math.max(0, outageMs - (Date.now() - downAt))));
    await infra.start('s3');
    const healedAt = Date.now();
    const result = await load;
    await waitForQuiescence(world, result.accepted);
    return {
      load: result,
      healedAt,
      checks: {
        'S3 was unreachable, then back': wasDown,
        'requests waited on the retry topic meanwhile': (await recordsIn(world, world.env.topics.fileCreateRetry)) > 0,
        'every file expired': (await expiredCount(world, result.accepted)) === result.accepted.length,
      },
    };
  },
};
