/**
 * How many Kafka brokers the launcher runs: one (the default) or three (`up --kafka-brokers 3`,
 * or FILEFLOW_KAFKA_BROKERS=3). A three-broker cluster's id and size are kept in
 * .stack/data/kafka-cluster.json, written when its first node is formatted, so later commands
 * (status, start kafka, down) run the same cluster without being told again.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ComponentName } from './config';
import { DATA_DIR, ensureDir } from './paths';

export const BROKER_COUNTS = [1, 3] as const;
export type BrokerCount = (typeof BROKER_COUNTS)[number];

const CLUSTER_FILE = path.join(DATA_DIR, 'kafka-cluster.json');
/** The single broker's data: it has a meta.properties once formatted. */
const SINGLE_NODE_META = path.join(DATA_DIR, 'kafka', 'meta.properties');

export interface ClusterRecord {
  readonly clusterId: string;
  readonly brokers: BrokerCount;
}

/** A broker count from the command line or the environment; a usage error names the ones allowed. */
export function parseBrokerCount(raw: string, source: string): BrokerCount {
  const n = Number(raw);
  const count = BROKER_COUNTS.find((c) => c === n);
  if (count === undefined)
    throw new Error(`${source}: ${raw} brokers is not offered (use ${BROKER_COUNTS.join(' or ')})`);
  return count;
}

export function readClusterRecord(): ClusterRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(CLUSTER_FILE, 'utf8')) as Partial<ClusterRecord>;
    if (typeof parsed.clusterId !== 'string' || typeof parsed.brokers !== 'number') return undefined;
    return { clusterId: parsed.clusterId, brokers: parseBrokerCount(String(parsed.brokers), CLUSTER_FILE) };
  } catch {
    return undefined;
  }
}

/** Brokers asked for (FILEFLOW_KAFKA_BROKERS), else the cluster on disk's, else one. */
export function kafkaBrokerCount(): BrokerCount {
  const asked = process.env.FILEFLOW_KAFKA_BROKERS;
  if (asked) return parseBrokerCount(asked, 'FILEFLOW_KAFKA_BROKERS');
  return readClusterRecord()?.brokers ?? 1;
}

/**
 * The record of the multi-broker cluster about to be formatted: the one on disk, or a new one
 * (created once, whichever node gets here first). Refuses to turn the single broker's data into
 * a cluster member, or a cluster's data into a single broker.
 */
export function clusterRecordFor(brokers: BrokerCount, newClusterId: () => string): ClusterRecord {
  const existing = refuseOtherClusterData(brokers);
  if (existing) return existing;
  const record: ClusterRecord = { clusterId: newClusterId(), brokers };
  if (brokers === 1) return record;
  ensureDir(DATA_DIR);
  try {
    fs.writeFileSync(CLUSTER_FILE, JSON.stringify(record, null, 2) + '\n', { flag: 'wx' });
    return record;
  } catch {
    // another node wrote it first: use theirs
    const written = readClusterRecord();
    if (!written) throw new Error(`[kafka] cannot read ${CLUSTER_FILE}`);
    return written;
  }
}

/**
 * Throws when the data on disk is another cluster's than `brokers` brokers would run (checked by
 * `up` before it starts anything); returns the multi-broker cluster's record when there is one.
 */
export function refuseOtherClusterData(brokers: BrokerCount): ClusterRecord | undefined {
  const existing = readClusterRecord();
  if (existing && existing.brokers !== brokers) {
    throw new Error(
      `[kafka] the data in ${DATA_DIR} belongs to a ${existing.brokers}-broker cluster; ` +
        `use FILEFLOW_KAFKA_BROKERS=${existing.brokers}, or stop the stack and remove ${path.join(DATA_DIR, 'kafka*')} to start afresh`,
    );
  }
  if (existing) return existing;
  if (brokers > 1 && fs.existsSync(SINGLE_NODE_META)) {
    throw new Error(
      `[kafka] ${path.dirname(SINGLE_NODE_META)} holds a single broker's data, which cannot join a ${brokers}-broker cluster; ` +
        `stop the stack and remove ${path.join(DATA_DIR, 'kafka')} (its topics and offsets go with it) to start a cluster`,
    );
  }
  return undefined;
}

/** The launcher's broker components: `kafka` (node 1), then `kafka-2`, `kafka-3`. */
export const BROKER_COMPONENTS = ['kafka', 'kafka-2', 'kafka-3'] as const satisfies readonly ComponentName[];
export type BrokerComponent = (typeof BROKER_COMPONENTS)[number];

/** The broker components in use (the extra nodes only with three brokers). */
export const activeBrokerComponents = (count: number = kafkaBrokerCount()): BrokerComponent[] =>
  BROKER_COMPONENTS.slice(0, count);
