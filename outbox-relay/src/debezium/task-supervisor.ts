import { runPeriodically, type Logger, type Runnable } from '@fileflow/common';
import type { ConnectClient, ConnectorStatus } from './connect-client';
import { stallRemedy, trackProgress, type SlotProgress } from './stall-remedy';

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

const idleOnPurpose = new Set(['PAUSED', 'STOPPED']);

/** What the supervisor watches for besides FAILED parts: a connector that stopped making progress. */
export interface StallWatch {
  /** The slot's confirmed position (`confirmed_flush_lsn`), or undefined when there is no slot yet. */
  readonly position: () => Promise<string | undefined>;
  /** How long the position may stand still before a remedy (much longer than the heartbeat interval). */
  readonly stallMs: number;
  /** Delete the connector and register it again (same name, so same offsets). */
  readonly recreate: () => Promise<void>;
  readonly now?: () => number;
  /** Told of each remedy as it is applied. */
  readonly onRemedy?: (remedy: 'restart' | 'recreate', stalledMs: number) => void;
}

/**
 * Watches the connector and restarts whatever FAILED (`POST .../restart?includeTasks=true&onlyFailed=true`),
 * backing off while it keeps failing. With `stall`, it also watches the replication slot: when
 * its confirmed position stands still for `stallMs`, it restarts the connector and all its
 * tasks, then re-creates it (`stallRemedy`). The task resumes from its committed offsets
 * (exactly-once source), so neither remedy loses or repeats events.
 */
export function createTaskSupervisor(deps: {
  connect: ConnectClient;
  connector: string;
  logger: Logger;
  intervalMs: number;
  maxIntervalMs: number;
  onRestart?: (parts: string[]) => void;
  stall?: StallWatch;
}): Runnable & { checkOnce(): Promise<string[]>; stalledMs(): number } {
  let restarts = 0;
  let progress: SlotProgress | undefined;
  let remedies = 0;
  const now = deps.stall?.now ?? Date.now;

  const watchProgress = async (stall: StallWatch, status: ConnectorStatus | undefined): Promise<void> => {
    // A paused or stopped connector stands still on purpose; a missing one is not ours to revive.
    const lsn = status && !idleOnPurpose.has(status.connector.state) ? await stall.position() : undefined;
    if (lsn === undefined) {
      progress = undefined;
      return;
    }
    const next = trackProgress(progress, lsn, now());
    if (next !== progress) remedies = 0;
    progress = next;
    const stalledMs = now() - progress.movedAt;
    const remedy = stallRemedy(stalledMs, stall.stallMs, remedies);
    if (!remedy) return;
    remedies += 1;
    const doing = remedy === 'restart' ? 'restarting' : 're-creating';
    deps.logger.error(`debezium connector stalled: the slot confirmed nothing; ${doing} it`, {
      connector: deps.connector,
      stalledMs,
      confirmedLsn: lsn,
      remedy,
    });
    stall.onRemedy?.(remedy, stalledMs);
    if (remedy === 'restart') await deps.connect.restart(deps.connector, { onlyFailed: false });
    else await stall.recreate();
  };

  const checkOnce = async (): Promise<string[]> => {
    const status = await deps.connect.status(deps.connector);
    const failed = failedParts(status);
    if (failed.length === 0) {
      restarts = 0;
      if (deps.stall) await watchProgress(deps.stall, status);
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
    stalledMs: () => (progress ? now() - progress.movedAt : 0),
  };
}
