import type { Db } from '@fileflow/db';
import type { Logger } from '@fileflow/common';
import type { ConnectClient } from './connect-client';
import { outboxConnectorConfig, type ConnectorSettings } from './connector-config';
import { diffConfig, formatDiff } from './config-diff';
import { ensurePublication } from './replication-slot';

/**
 * Make the connector match `settings`: create the publication if missing, PUT the config
 * only when it differs (logging a readable diff), then wait until connector and task run.
 * Safe to call on every start.
 */
export async function registerConnector(
  deps: { connect: ConnectClient; db: Db; logger: Logger },
  settings: ConnectorSettings,
  timeoutMs = 60_000,
): Promise<{ changed: boolean; diff: string }> {
  await ensurePublication(deps.db, settings.publicationName);
  const desired = outboxConnectorConfig(settings);
  const current = await deps.connect.getConfig(settings.name);
  const changes = diffConfig(current, desired);
  const diff = formatDiff(changes);
  if (changes.length) {
    deps.logger.info(current ? 'updating connector config' : 'creating connector', { connector: settings.name, diff });
    await deps.connect.putConfig(settings.name, desired);
  }
  await waitUntilRunning(deps, settings.name, { timeoutMs });
  return { changed: changes.length > 0, diff };
}

/**
 * Wait until the connector and its first task are RUNNING; throw if the task FAILED or after
 * `timeoutMs`. Every `reportEveryMs` it warns with the status it is waiting on, so a connector
 * that never starts says how far it got (CI keeps only warnings and errors).
 */
export async function waitUntilRunning(
  deps: { connect: Pick<ConnectClient, 'status'>; logger: Pick<Logger, 'warn'> },
  name: string,
  { timeoutMs, reportEveryMs = 15_000, pollMs = 250 }: { timeoutMs: number; reportEveryMs?: number; pollMs?: number },
): Promise<void> {
  const started = Date.now();
  let nextReport = started + reportEveryMs;
  for (;;) {
    const status = await deps.connect.status(name);
    const task = status?.tasks[0];
    if (status?.connector.state === 'RUNNING' && task?.state === 'RUNNING') return;
    if (task?.state === 'FAILED') throw new Error(`connector ${name} task failed: ${task.trace ?? ''}`);
    const now = Date.now();
    if (now - started > timeoutMs)
      throw new Error(`connector ${name} not running after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    if (now >= nextReport) {
      deps.logger.warn('connector not running yet', {
        connector: name,
        waitedMs: now - started,
        status: status ?? 'missing',
      });
      nextReport += reportEveryMs;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
