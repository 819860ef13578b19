import { runPeriodically, type Logger, type Runnable } from '@fileflow/common';
import type { ConnectClient, ConnectorStatus } from './connect-client';

/**
 * What is FAILED in a connector's status, with the first line of each trace. Kafka Connect
 * never restarts a failed task by itself: Debezium fails a task for good on errors it does not
 * classify as retriable, such as a connection reset while the task is starting.
 */
export function failedParts(status: ConnectorStatus | undefined): string[] {
  if (!status) return [];
  const parts: string[] = [];
  if (status.connector.state === 'FAILED') parts.push('connector');
  for (const t of status.tasks) {
    if (t.state === 'FAILED') parts.push(`task ${t.id}: ${(t.trace ?? '').split('\n')[0] ?? ''}`);
  }
  return parts;
}

/** Wait before the next check: `intervalMs` while healthy, doubling per consecutive restart up to `maxMs`. */
export function nextCheckDelay(intervalMs: number, maxMs: number, consecutiveRestarts: number): number {
  return Math.min(maxMs, intervalMs * 2 ** Math.min(consecutiveRestarts, 16));
}

/**
 * Watches the connector and restarts whatever FAILED (`POST .../restart?includeTasks=true&onlyFailed=true`),
 * backing off while it keeps failing. The task resumes from its committed offsets (exactly-once
 * source), so a restart neither loses nor repeats events.
 */
export function createTaskSupervisor(deps: {
  connect: ConnectClient;
  connector: string;
  logger: Logger;
  intervalMs: number;
  maxIntervalMs: number;
  onRestart?: (parts: string[]) => void;
}): Runnable & { checkOnce(): Promise<string[]> } {
  let restarts = 0;

  const checkOnce = async (): Promise<string[]> => {
    const failed = failedParts(await deps.connect.status(deps.connector));
    if (failed.length === 0) {
      restarts = 0;
      return [];
    }
    restarts += 1;
    deps.logger.error('debezium connector failed; restarting it', { connector: deps.connector, failed, restarts });
    await deps.connect.restart(deps.connector);
    deps.onRestart?.(failed);
    return failed;
  };

  return {
    ...runPeriodically({
      task: checkOnce,
      delayMs: () => nextCheckDelay(deps.intervalMs, deps.maxIntervalMs, restarts),
      onError: (err) => deps.logger.warn('connector check failed; will retry', { err: String(err) }),
    }),
    checkOnce,
  };
}
