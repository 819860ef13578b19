import type { Logger } from './logger';

/** Something long-running: `stop()` resolves once in-flight work has drained. */
export interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Call `shutdown` once on SIGTERM or SIGINT, then exit 0 (or 1 if it failed or took longer
 * than `timeoutMs`). A second signal exits at once.
 */
export function onShutdownSignal(shutdown: () => Promise<void>, logger: Logger, timeoutMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
