/**
 * A throw-away Kafka Connect worker (with the Debezium plugin) on a test cluster: the launcher's
 * worker settings (components/connect.ts) with its own port, group and internal topics, as a child
 * of the test process.
 */
import * as path from 'path';
import { HOST, TIMEOUTS } from '../config';
import { connectComponent, connectWorkerCommand, writeWorkerConfig } from '../components/connect';
import { consoleReporter } from '../log';
import { javaCommand } from '../maven';
import { describeListeners, isPortOpen } from '../ports';
import { probeConnect } from '../readiness/connect';
import { waitFor } from '../readiness/wait';
import { startTestChild } from './child';

export interface TestConnectWorker {
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startTestConnectWorker(o: {
  dir: string;
  brokers: readonly string[];
  port: number;
  /** Group id, and the prefix of its internal topics. */
  groupId: string;
  replicationFactor: number;
  readyTimeoutMs?: number;
}): Promise<TestConnectWorker> {
  if (await isPortOpen(o.port))
    throw new Error(`[test connect] port ${o.port} is taken by ${describeListeners(o.port)}`);
  await connectComponent().prefetch?.(consoleReporter);
  const files = writeWorkerConfig(path.join(o.dir, 'conf', 'connect'), {
    brokers: o.brokers,
    port: o.port,
    groupId: o.groupId,
    configTopic: `${o.groupId}-configs`,
    offsetTopic: `${o.groupId}-offsets`,
    statusTopic: `${o.groupId}-status`,
    replicationFactor: o.replicationFactor,
  });
  const logFile = path.join(o.dir, 'logs', 'connect.log');
  const child = await startTestChild({
    command: javaCommand(),
    args: connectWorkerCommand(files, path.join(o.dir, 'logs', 'connect-gc.log')),
    logFile,
  });
  const url = `http://${HOST}:${o.port}`;
  try {
    await waitFor(
      async () => {
        if (!child.running()) throw new Error(`the worker exited; see ${logFile}`);
        await probeConnect(url);
      },
      { what: '[test connect]', timeoutMs: o.readyTimeoutMs ?? TIMEOUTS.connect, logFile },
    );
  } catch (err) {
    await child.kill('SIGKILL');
    throw err;
  }
  return { url, logFile, stop: () => child.kill('SIGTERM', 15_000) };
}
