import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { createWorld, type World } from '../chaos/world';

/** What every phase of `npm run bench` shares: its log line, its isolation, its error handling. */

export function log(msg: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** `fn` in a fresh `createTestEnv`, cleaned up afterwards. */
export async function inEnv<T>(name: string, fn: (env: TestEnv) => Promise<T>): Promise<T> {
  const env = await createTestEnv(name);
  try {
    return await fn(env);
  } finally {
    await env.cleanup();
  }
}

/** `fn`, or undefined with its error added to `errors`: one failed part does not end the run. */
export async function attempt<T>(label: string, errors: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const msg = `${label}: ${err instanceof Error ? err.message : String(err)}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
    return undefined;
  }
}

/** `fn` in a fresh world (the three services as processes, not started), disposed afterwards. */
export async function withWorld<T>(mode: 'polling' | 'debezium', fn: (w: World) => Promise<T>): Promise<T> {
  const world = await createWorld('bench', mode);
  try {
    return await fn(world);
  } finally {
    await world.dispose();
  }
}
