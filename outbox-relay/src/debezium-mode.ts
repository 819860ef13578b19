import { createKafka, startWhenReachable, topicsFromEnv, type Logger, type Registry } from '@fileflow/common';
import { cancelWakeup, outboxBacklog, type Db } from '@fileflow/db';
import type { RelayConfig } from './config';
import { createConnectClient } from './debezium/connect-client';
import { connectorNamesFor, type ConnectorSettings } from './debezium/connector-config';
import { createOutboxCleanup } from './debezium/outbox-cleanup';
import { registerConnector } from './debezium/register-connector';
import { slotHealth } from './debezium/replication-slot';
import { createTaskSupervisor } from './debezium/task-supervisor';
import { debeziumMetrics } from './relay-metrics';
import { startPublishTap } from './relay-traces';
import type { RunningRelay } from './relay-mode';

/**
 * RELAY_MODE=debezium: Kafka Connect publishes the outbox (Debezium + Outbox Event Router).
 * This process registers the connector (idempotently), restarts it when it FAILED, deletes rows
 * already in the WAL, and reports the connector's state and the replication slot's retained WAL.
 */
export function startDebeziumRelay(
  config: RelayConfig,
  deps: { db: Db; logger: Logger; registry?: Registry; tracing?: boolean },
): RunningRelay {
  const connect = createConnectClient(config.KAFKA_CONNECT_URL);
  const names = connectorNamesFor(new URL(config.DATABASE_URL).pathname.slice(1));
  const settings: ConnectorSettings = {
    ...names,
    ...(config.DEBEZIUM_CONNECTOR_NAME ? { name: config.DEBEZIUM_CONNECTOR_NAME } : {}),
    databaseUrl: config.DATABASE_URL,
    pollIntervalMs: config.DEBEZIUM_POLL_INTERVAL_MS,
  };
  const cleanup = createOutboxCleanup({
    db: deps.db,
    logger: deps.logger,
    intervalMs: config.DEBEZIUM_CLEANUP_INTERVAL_MS,
    guard: async () => {
      const slot = await slotHealth(deps.db, settings.slotName);
      if (!slot) return `replication slot ${settings.slotName} does not exist`;
      if (slot.walStatus === 'lost') {
        return `replication slot ${settings.slotName} lost WAL (max_slot_wal_keep_size exceeded): re-snapshot needed`;
      }
      return undefined;
    },
  });
  const register = () => registerConnector({ connect, db: deps.db, logger: deps.logger }, settings);
  const stallMs = config.DEBEZIUM_STALL_MS;
  const supervisor = createTaskSupervisor({
    connect,
    connector: settings.name,
    logger: deps.logger,
    intervalMs: 2_000,
    maxIntervalMs: 60_000,
    stall: {
      position: async () => (await slotHealth(deps.db, settings.slotName))?.confirmedLsn ?? undefined,
      stallMs,
      recreate: async () => {
        await connect.delete(settings.name);
        await register();
      },
    },
  });
  let stopping = false;
  let registered = false;
  let tap: { stop(): Promise<void> } | undefined;
  if (deps.registry) {
    debeziumMetrics(deps.registry, {
      status: async () => {
        const s = await connect.status(settings.name);
        return s ? { connector: s.connector.state, task: s.tasks[0]?.state ?? 'MISSING' } : undefined;
      },
      slot: () => slotHealth(deps.db, settings.slotName),
    });
  }

  void startWhenReachable(
    'debezium connector',
    async () => {
      const { changed, diff } = await register();
      // Debezium reads the WAL: nobody listens, so writers need not NOTIFY (a polling relay
      // started later raises the request again when it first idles).
      await cancelWakeup(deps.db);
      deps.logger.info(changed ? 'connector registered' : 'connector config unchanged', {
        connector: settings.name,
        diff,
      });
    },
    deps.logger,
    () => stopping,
  ).then(async (ok) => {
    if (!ok) return;
    registered = true;
    await supervisor.start();
    await cleanup.start();
    if (deps.tracing && !stopping) {
      tap = await startPublishTap({
        kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-trace` }, deps.logger),
        groupId: `${config.KAFKA_CLIENT_ID}-publish-spans`,
        topics: [topicsFromEnv(config).fileCreate],
        logger: deps.logger,
      }).catch((err: unknown) => {
        deps.logger.warn('publish spans not reported: the topic watch could not start', { err: String(err) });
        return undefined;
      });
    }
  });

  return {
    async readiness() {
      if (!registered) return ['connector not registered yet'];
      const stalledMs = supervisor.stalledMs();
      if (stalledMs >= stallMs)
        return [`connector stalled: the slot confirmed nothing for ${Math.round(stalledMs / 1000)} s`];
      const status = await connect.status(settings.name).catch((err: unknown) => ({ error: String(err) }));
      if (!status || 'error' in status) return [`kafka connect: ${status ? status.error : 'connector missing'}`];
      const task = status.tasks[0];
      return status.connector.state === 'RUNNING' && task?.state === 'RUNNING'
        ? []
        : [`connector ${status.connector.state}, task ${task?.state ?? 'missing'}`];
    },
    stats: async () => ({
      mode: 'debezium',
      connector: settings.name,
      status: await connect.status(settings.name).catch((err: unknown) => String(err)),
      slot: await slotHealth(deps.db, settings.slotName),
      backlog: await outboxBacklog(deps.db),
    }),
    async stop() {
      stopping = true;
      await tap?.stop();
      await supervisor.stop();
      await cleanup.stop();
    },
  };
}
