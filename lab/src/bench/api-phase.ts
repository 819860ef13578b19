import { join } from 'node:path';
import { newApiKey } from '@fileflow/common';
import { insertApiKey } from '@fileflow/db';
import { worldApiKeyPepper } from '../chaos/world';
import { postFilesWithAutocannon, runCannon, type CannonResult } from './load-generators';
import type { BenchOptions } from './options';
import { cpuProfileNodeOptions, topSelfTime } from './profile';
import type { BenchResults } from './results';
import { attempt, log, withWorld } from './run-helpers';
import { repoRoot } from '../repo-root';

/**
 * The API phase: `POST /files` with the API process alone (under the CPU profiler with
 * `--profile`), then its other features, each in a fresh process.
 */
export async function runApiPhase(
  o: BenchOptions,
  errors: string[],
): Promise<{ api?: CannonResult; apiVariants: BenchResults['apiVariants']; apiProfile?: string[] }> {
  let apiProfile: string[] | undefined;
  log(`api: autocannon ${o.connections} connections, ${o.apiSeconds} s, POST /files (API process alone)`);
  const api = await attempt('api', errors, () =>
    withWorld('polling', async (w) => {
      const profDir = join(repoRoot, '.stack/bench/prof', w.env.id);
      await w.api.start(o.profile ? { NODE_OPTIONS: cpuProfileNodeOptions(profDir) } : {});
      const r = await postFilesWithAutocannon(await w.baseUrl(), o.connections, o.apiSeconds);
      if (o.profile) {
        await w.api.stop(); // the profile is written at exit
        apiProfile = topSelfTime(profDir);
        log(`api profile (self time):\n${apiProfile.join('\n')}`);
      }
      return r;
    }),
  );
  const apiVariants = await apiFeatureVariants(o, errors);
  return { ...(api ? { api } : {}), apiVariants, ...(apiProfile ? { apiProfile } : {}) };
}

/**
 * The API with its other features, each in an API process of its own, `o.connections` clients
 * for `o.apiSeconds`: POST /files with an API key and a rate limit that counts every request in
 * Redis (set high enough never to refuse one), and GET /files/:id over 200 files without and
 * with the Redis cache.
 */
async function apiFeatureVariants(o: BenchOptions, errors: string[]): Promise<BenchResults['apiVariants']> {
  const limited = { RATE_LIMIT_REQUESTS: '1000000000', RATE_LIMIT_WINDOW_MS: '60000' };
  log(`api: POST /files with an API key and the rate limit in Redis, ${o.apiSeconds} s`);
  const keyedPost = await attempt('api keyed', errors, () =>
    withWorld('polling', async (w) => {
      const key = newApiKey(worldApiKeyPepper);
      await insertApiKey(w.env.db, { id: key.id, name: 'bench', secretHash: key.secretHash });
      await w.api.start(limited);
      return postFilesWithAutocannon(await w.baseUrl(), o.connections, o.apiSeconds, {
        authorization: `Bearer ${key.token}`,
      });
    }),
  );
  const get = (cache: boolean) =>
    withWorld('polling', async (w) => {
      await w.api.start({ FILE_CACHE: String(cache) });
      const url = await w.baseUrl();
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${url}/files`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `bench get ${i}` }),
          signal: AbortSignal.timeout(10_000),
        });
        ids.push(((await res.json()) as { id: number }).id);
      }
      return runCannon(
        url,
        { method: 'GET', path: (n) => `/files/${ids[n % ids.length] ?? 1}`, okStatus: 200 },
        o.connections,
        o.apiSeconds,
      );
    });
  log(`api: GET /files/:id without the cache, ${o.apiSeconds} s`);
  const getUncached = await attempt('api get uncached', errors, () => get(false));
  log(`api: GET /files/:id with the Redis cache, ${o.apiSeconds} s`);
  const getCached = await attempt('api get cached', errors, () => get(true));
  return { keyedPost, getUncached, getCached };
}
