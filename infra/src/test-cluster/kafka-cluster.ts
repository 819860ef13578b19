/**
 * A throw-away Kafka cluster for a test (the failure suite's broker-kill scenario): three KRaft
 * nodes built like the launcher's (kafka-node.ts), on their own ports and in their own dir, as
 * children of the test process. Started, faulted (one node killed and restarted) and removed by
 * the test; bounded in time, and killed with the test process if it dies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HOST, TIMEOUTS } from '../config';
import {
  LOG4J2_PROPERTIES,
  fetchKafkaJars,
  formatStorage,
  kafkaJvmArgs,
  newClusterId,
  nodeServerProperties,
  quorumVoters,
  replicationFor,
  type KafkaNodeSpec,
} from '../components/kafka-node';
import { consoleReporter } from '../log';
import { javaCommand } from '../maven';
import { describeListeners, isPortOpen } from '../ports';
import { probeKafka, waitForBrokers } from '../readiness/kafka';
import { waitFor } from '../readiness/wait';
import { startTestChild, type TestChild } from './child';

export interface TestKafkaCluster {
  /** Every node's client address (what KAFKA_BROKERS lists). */
  readonly brokers: readonly string[];
  readonly nodeIds: readonly number[];
  readonly logDir: string;
  address(nodeId: number): string;
  running(nodeId: number): boolean;
  /** Signal one node; SIGKILL and SIGTERM resolve once it is gone. */
  kill(nodeId: number, signal?: NodeJS.Signals): Promise<void>;
  /** Start a stopped node again (its data kept) and wait until it is a registered broker again. */
  start(nodeId: number): Promise<void>;
  /** Stop every node (SIGTERM, then SIGKILL) and delete the data; the logs stay. */
  stop(): Promise<void>;
}

export interface TestKafkaClusterOptions {
  /** Where data, config and logs go (created; its `data` is removed by stop()). */
  readonly dir: string;
  /** Node i listens on portBase + 10 (i - 1) (clients) and one above (controller). */
  readonly portBase: number;
  readonly nodes?: number;
  readonly readyTimeoutMs?: number;
}

export async function startTestKafkaCluster(o: TestKafkaClusterOptions): Promise<TestKafkaCluster> {
  const count = o.nodes ?? 3;
  const readyTimeoutMs = o.readyTimeoutMs ?? TIMEOUTS.kafka;
  const ports = (nodeId: number) => ({
    port: o.portBase + (nodeId - 1) * 10,
    controllerPort: o.portBase + (nodeId - 1) * 10 + 1,
  });
  const nodeIds = Array.from({ length: count }, (_, i) => i + 1);
  for (const id of nodeIds) {
    for (const port of Object.values(ports(id))) {
      if (await isPortOpen(port)) throw new Error(`[test kafka] port ${port} is taken by ${describeListeners(port)}`);
    }
  }
  const voters = quorumVoters(nodeIds.map((nodeId) => ({ nodeId, ...ports(nodeId) })));
  const logDir = path.join(o.dir, 'logs');
  const dataRoot = path.join(o.dir, 'data');
  const confRoot = path.join(o.dir, 'conf');
  const log4j2 = path.join(confRoot, 'log4j2.properties');
  fs.mkdirSync(confRoot, { recursive: true });
  fs.writeFileSync(log4j2, LOG4J2_PROPERTIES);
  await fetchKafkaJars(consoleReporter);

  const nodes = new Map<number, { spec: KafkaNodeSpec; properties: string; log: string; gcLog: string }>();
  const clusterId = newClusterId();
  await Promise.all(
    nodeIds.map(async (nodeId) => {
      const spec: KafkaNodeSpec = {
        nodeId,
        ...ports(nodeId),
        voters,
        dataDir: path.join(dataRoot, `node-${nodeId}`),
        replication: replicationFor(count),
      };
      const properties = path.join(confRoot, `node-${nodeId}.properties`);
      fs.writeFileSync(properties, nodeServerProperties(spec, 'infra/src/test-cluster/kafka-cluster.ts'));
      const node = {
        spec,
        properties,
        log: path.join(logDir, `kafka-${nodeId}.log`),
        gcLog: path.join(logDir, `kafka-${nodeId}-gc.log`),
      };
      nodes.set(nodeId, node);
      await formatStorage({
        label: `test kafka ${nodeId}`,
        propertiesFile: properties,
        log4j2File: log4j2,
        dataDir: spec.dataDir,
        logFile: node.log,
        gcLog: node.gcLog,
        clusterId,
      });
    }),
  );

  const children = new Map<number, TestChild>();
  const address = (nodeId: number) => `${HOST}:${ports(nodeId).port}`;
  const brokers = nodeIds.map(address);
  const node = (nodeId: number) => {
    const n = nodes.get(nodeId);
    if (!n) throw new Error(`[test kafka] no node ${nodeId}`);
    return n;
  };
  const spawnNode = async (nodeId: number) => {
    const n = node(nodeId);
    children.set(
      nodeId,
      await startTestChild({
        command: javaCommand(),
        args: [...kafkaJvmArgs(log4j2, n.gcLog), 'kafka.Kafka', n.properties],
        logFile: n.log,
      }),
    );
  };
  /** This node is a registered broker of a cluster with a controller (asked of the node itself). */
  const waitRegistered = (nodeId: number) =>
    waitFor(
      async () => {
        if (!children.get(nodeId)?.running()) throw new Error(`node ${nodeId} exited; see ${node(nodeId).log}`);
        await probeKafka([address(nodeId)], nodeId);
      },
      { what: `[test kafka] node ${nodeId}`, timeoutMs: readyTimeoutMs, logFile: node(nodeId).log },
    );
  const stopAll = async () => {
    await Promise.all([...children.values()].map((c) => c.kill('SIGTERM', 15_000)));
    fs.rmSync(dataRoot, { recursive: true, force: true });
  };

  try {
    await Promise.all(nodeIds.map(spawnNode));
    await Promise.all(nodeIds.map(waitRegistered));
    await waitForBrokers(brokers, count, readyTimeoutMs);
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    brokers,
    nodeIds,
    logDir,
    address,
    running: (nodeId) => children.get(nodeId)?.running() ?? false,
    async kill(nodeId, signal = 'SIGKILL') {
      await children.get(nodeId)?.kill(signal);
    },
    async start(nodeId) {
      if (children.get(nodeId)?.running()) return;
      await spawnNode(nodeId);
      await waitRegistered(nodeId);
    },
    stop: stopAll,
  };
}
