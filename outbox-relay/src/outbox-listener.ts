import pg from 'pg';
import type { Logger } from '@fileflow/common';

/**
 * A dedicated connection that LISTENs on the `outbox` channel and calls `onNotify` when
 * rows commit. It reconnects after errors; while it is down the relay's poll fallback
 * keeps rows moving.
 */
export function createOutboxListener(databaseUrl: string, onNotify: () => void, logger: Logger) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    c.on('notification', () => onNotify());
    c.on('error', (err) => {
      logger.warn('outbox listener lost its connection', { err: err.message });
      void c.end().catch(() => undefined);
      if (client === c) client = undefined;
      scheduleReconnect();
    });
    try {
      await c.connect();
      await c.query('LISTEN outbox');
      client = c;
      onNotify(); // rows may have committed while we were not listening
    } catch (err) {
      logger.warn('outbox listener could not connect', { err: String(err) });
      await c.end().catch(() => undefined);
      scheduleReconnect();
    }
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, 1_000);
  };

  return {
    start: connect,
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
    isListening: () => client !== undefined,
  };
}
