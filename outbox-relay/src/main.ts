// First: tracing patches the libraries it instruments as they load.
import { telemetry } from '@fileflow/common/src/telemetry/register';
import { sql } from 'kysely';
import {
  closeServer,
  createFaults,
  createHealthServer,
  createLogger,
  createMetricsRegistry,
  httpTimeoutsFrom,
  listen,
  loadConfig,
  onShutdownSignal,
  parseFaultPlan,
} from '@fileflow/common';
import { dbTimeoutsFromEnv } from '@fileflow/db';
import { relayConfigSchema } from './config';
import { startDebeziumRelay } from './debezium-mode';
import { startPollingRelay } from './polling-mode';
import { openRelayDb } from './relay-db';
import { outboxMetrics } from './relay-metrics';

/** The relay process: RELAY_MODE=polling (default) or debezium; health and metrics on PORT. */
async function main(): Promise<void> {
  const config = loadConfig(relayConfigSchema, process.env);
  const logger = createLogger('outbox-relay', config.LOG_LEVEL, { instance: config.INSTANCE_ID }).child({
    mode: config.RELAY_MODE,
  });
  const db = openRelayDb(config.DATABASE_URL, undefined, dbTimeoutsFromEnv(config));
  const registry = config.METRICS_ENABLED ? createMetricsRegistry('outbox-relay') : undefined;
  if (registry) outboxMetrics(registry, db);
  const relay =
    config.RELAY_MODE === 'polling'
      ? await startPollingRelay(config, {
          db,
          logger,
          faults: createFaults(parseFaultPlan(config.FAULT_CRASH_AT)),
          ...(registry ? { registry } : {}),
        })
      : startDebeziumRelay(config, { db, logger, ...(registry ? { registry } : {}), tracing: telemetry !== undefined });

  const health = createHealthServer(
    async () => {
      const problems: string[] = [];
      await sql`SELECT 1`.execute(db).catch((err: unknown) => {
        logger.warn('readiness: database unreachable', { err: String(err) });
        problems.push('database: unreachable');
      });
      problems.push(...(await relay.readiness()));
      return problems;
    },
    {
      ...(registry ? { metrics: registry } : {}),
      json: { '/stats': () => relay.stats() },
      instance: config.INSTANCE_ID,
    },
    httpTimeoutsFrom(config),
  );
  const port = await listen(health, config.PORT, config.HOST);
  logger.info('relay running', { port });

  onShutdownSignal(async () => {
    await relay.stop();
    await closeServer(health);
    await db.destroy();
    await telemetry?.shutdown();
  }, logger);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
