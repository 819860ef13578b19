/**
 * Apache Kafka in KRaft mode (broker + controller in one JVM per node), from Maven Central jars
 * (infra/kafka/pom.xml -> mvn dependency:copy-dependencies into the cache dir). One node by
 * default (`kafka`); with three brokers also `kafka-2` and `kafka-3`, a three-voter quorum
 * (kafka-brokers.ts). Storage is formatted once (kafka.tools.StorageTool format); data persists
 * in .stack/data/<name>.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HOST, KAFKA, TIMEOUTS, isExternal, kafkaNodePorts, kafkaPartitions, type StackInfo } from '../config';
import { partitionShortfall } from '../partitions/shortfall';
import { activeBrokerComponents, clusterRecordFor, kafkaBrokerCount, type BrokerComponent } from '../kafka-brokers';
import { type Reporter, fmtSecs } from '../log';
import { javaCommand } from '../maven';
import { CONF_DIR, INFRA_DIR, dataDir, ensureDir, logFile } from '../paths';
import { spawnDetached } from '../process/spawn';
import { stopProcess, type StopResult } from '../process/stop';
import { ensureKafkaTopics, kafkaRoundTrip, probeKafka, waitForBrokers } from '../readiness/kafka';
import {
  KAFKA_LIBS,
  LOG4J2_PROPERTIES,
  fetchKafkaJars,
  formatStorage,
  kafkaJvmArgs,
  newClusterId,
  nodeServerProperties,
  quorumVoters,
  replicationFor,
  type KafkaNodeSpec,
} from './kafka-node';
import type { LocalComponent } from './types';

/** Where node `name` keeps its data, config and log. */
function nodePaths(name: BrokerComponent) {
  const conf = path.join(CONF_DIR, name);
  return {
    data: dataDir(name),
    log: logFile(name),
    gcLog: logFile(`${name}-gc`),
    properties: path.join(conf, 'server.properties'),
    log4j2: path.join(conf, 'log4j2.properties'),
    conf,
  };
}

/** Node `nodeId` of a cluster of `brokers` (1 or 3); node 1 also has the network-fault listener. */
export function launcherNodeSpec(nodeId: number, brokers: number): KafkaNodeSpec {
  const nodes = Array.from({ length: brokers }, (_, i) => ({ nodeId: i + 1, ...kafkaNodePorts(i + 1) }));
  const name = nodeId === 1 ? 'kafka' : (`kafka-${nodeId}` as BrokerComponent);
  return {
    nodeId,
    ...kafkaNodePorts(nodeId),
    ...(nodeId === 1 ? { faulty: { port: KAFKA.faultyPort, proxyPort: KAFKA.faultyProxyPort } } : {}),
    voters: quorumVoters(nodes),
    dataDir: nodePaths(name).data,
    replication: replicationFor(brokers),
  };
}

/** The single broker's server.properties (node 1 of 1), as written on every start. */
export function serverProperties(brokers = 1): string {
  return nodeServerProperties(launcherNodeSpec(1, brokers), 'infra/src/components/kafka.ts');
}

/**
 * The command that aborts hanging transactions (`infra/kafka/AbortHangingTransactions.java`, run
 * from source by Java on Kafka's own client jars): every open transaction that has written nothing
 * for `idleSeconds`; with `watchSeconds`, again at that interval until killed.
 */
export function abortHangingTransactionsCommand(
  bootstrap: string,
  idleSeconds: number,
  watchSeconds?: number,
): { command: string; args: string[] } {
  return {
    command: javaCommand(),
    args: [
      '-Xmx64m',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      path.join(KAFKA_LIBS, '*'),
      path.join(INFRA_DIR, 'kafka', 'AbortHangingTransactions.java'),
      bootstrap,
      String(idleSeconds),
      ...(watchSeconds === undefined ? [] : [String(watchSeconds)]),
    ],
  };
}

/** Node 1 creates the stack's topics once every broker has registered (their replicas need them). */
async function setupTopics(info: StackInfo, report: Reporter, fresh: boolean): Promise<void> {
  const brokers = kafkaBrokerCount();
  if (brokers > 1) await waitForBrokers(info.kafkaBrokers, brokers, TIMEOUTS.kafka);
  const wanted = kafkaPartitions();
  const { created, partitions } = await ensureKafkaTopics(
    info.kafkaBrokers,
    [...KAFKA.topics, KAFKA.healthTopic],
    wanted,
    replicationFor(brokers).factor,
  );
  if (created.length > 0) report('kafka', `created topics ${created.join(', ')} (${wanted} partitions each)`);
  const shortfall = partitionShortfall(partitions, KAFKA.topics, wanted);
  if (shortfall !== undefined) report('kafka', `WARNING: ${shortfall}`);
  if (fresh) {
    const t0 = Date.now();
    await kafkaRoundTrip(info.kafkaBrokers, 60_000);
    report('kafka', `produce/consume round trip ok (${fmtSecs(Date.now() - t0)})`);
  }
}

/** The launcher's Kafka node `name`: `kafka` (node 1, the single broker), `kafka-2`, `kafka-3`. */
export function kafkaComponent(name: BrokerComponent = 'kafka'): LocalComponent {
  const nodeId = name === 'kafka' ? 1 : Number(name.slice('kafka-'.length));
  const p = nodePaths(name);
  const { port, controllerPort } = kafkaNodePorts(nodeId);
  const address = `${HOST}:${port}`;

  const install = async (report: Reporter): Promise<void> => {
    const brokers = kafkaBrokerCount();
    if (!activeBrokerComponents(brokers).includes(name)) {
      throw new Error(`[${name}] runs only with three brokers (FILEFLOW_KAFKA_BROKERS=3 or up --kafka-brokers 3)`);
    }
    await fetchKafkaJars(report);
    ensureDir(p.conf);
    fs.writeFileSync(
      p.properties,
      nodeServerProperties(launcherNodeSpec(nodeId, brokers), 'infra/src/components/kafka.ts'),
    );
    fs.writeFileSync(p.log4j2, LOG4J2_PROPERTIES);
    const record = clusterRecordFor(brokers, newClusterId); // refuses a single broker's data for a cluster
    if (fs.existsSync(path.join(p.data, 'meta.properties'))) return;
    report(name, `formatting storage (first run) -> ${p.data}`);
    await formatStorage({
      label: name,
      propertiesFile: p.properties,
      log4j2File: p.log4j2,
      dataDir: p.data,
      logFile: p.log,
      gcLog: p.gcLog,
      clusterId: record.clusterId,
    });
  };

  return {
    name,
    description: `Apache Kafka ${KAFKA.version} (KRaft, Maven jars)${nodeId > 1 ? `, node ${nodeId}` : ''}`,
    ports: nodeId === 1 ? [port, controllerPort, KAFKA.faultyPort] : [port, controllerPort],
    dataDir: p.data,
    logFile: p.log,
    marker: p.properties,
    readyTimeoutMs: TIMEOUTS.kafka,
    prefetch: async (report) => void (await fetchKafkaJars(report)),
    install,
    spawn: () =>
      spawnDetached({
        name,
        command: javaCommand(),
        args: [...kafkaJvmArgs(p.log4j2, p.gcLog), 'kafka.Kafka', p.properties],
        logFile: p.log,
        marker: p.properties,
      }),
    // this node answers and is a registered broker of a cluster with an active controller
    probe: (info) => (isExternal(name) ? probeKafka(info.kafkaBrokers) : probeKafka([address], nodeId)),
    setup: nodeId === 1 ? setupTopics : () => Promise.resolve(),
    stop: (pid: number): Promise<StopResult> => stopProcess(pid, TIMEOUTS.stop),
  };
}
