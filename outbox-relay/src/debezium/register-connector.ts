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
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await deps.connect.status(settings.name);
    const task = status?.tasks[0];
    if (status?.connector.state === 'RUNNING' && task?.state === 'RUNNING') break;
    if (task?.state === 'FAILED') throw new Error(`connector ${settings.name} task failed: ${task.trace ?? ''}`);
    if (Date.now() > deadline)
      throw new Error(`connector ${settings.name} not running after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { changed: changes.length > 0, diff };
}
