import type { Runnable } from './lifecycle';

/**
 * Run `task` now and then again `delayMs()` after each run ends (never two at once), until
 * stopped. A failed run goes to `onError` and the schedule goes on; `stop()` waits for a run in
 * progress.
 */
export function runPeriodically(o: {
  task: () => Promise<unknown>;
  delayMs: () => number;
  onError: (err: unknown) => void;
}): Runnable {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const tick = () => {
    running = o
      .task()
      .then(() => undefined)
      .catch(o.onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, o.delayMs());
      });
  };

  return {
    start() {
      stopped = false;
      tick();
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
