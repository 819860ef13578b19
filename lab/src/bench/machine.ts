import pg from 'pg';
import { stackSettings } from '@fileflow/testkit';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from './results';
import { repoRoot } from '../repo-root';

/** Pid of the launcher's Kafka Connect JVM, if it runs. */
export function connectPid(): number | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(repoRoot, '.stack/pids/connect.pid'), 'utf8')) as { pid?: number };
    return raw.pid;
  } catch {
    return undefined;
  }
}

/** The machine and versions a run was measured on. */
export function machine(): BenchResults['machine'] {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'n/a';
    }
  };
  const pkg = (name: string) => {
    try {
      return (
        JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
      ).version;
    } catch {
      return 'n/a';
    }
  };
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'n/a',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    free: sh('free', ['-m']),
    node: process.version,
    versions: {
      kafka: '4.3.1',
      postgres: '18.4',
      debezium: '3.7.0.Final',
      s3proxy: '4.1.0',
      kafkajs: pkg('kafkajs'),
      pg: pkg('pg'),
      kysely: pkg('kysely'),
      '@aws-sdk/client-s3': pkg('@aws-sdk/client-s3'),
      autocannon: pkg('autocannon'),
      'pg-transactional-outbox': pkg('pg-transactional-outbox'),
    },
  };
}

/**
 * Other relays attached to the stack when the run starts: Kafka Connect connectors and
 * replication slots (any database). An idle Debezium connector still decodes all the WAL the
 * benchmark writes, and costs CPU in every number.
 */
export async function otherRelays(): Promise<string[]> {
  const found: string[] = [];
  const connectors = await fetch(`${stackSettings.connectUrl}/connectors`, { signal: AbortSignal.timeout(2_000) })
    .then((r) => r.json() as Promise<string[]>)
    .catch(() => [] as string[]);
  if (connectors.length) found.push(`Kafka Connect connectors: ${connectors.join(', ')}`);
  const client = new pg.Client({ connectionString: stackSettings.adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ slot_name: string; database: string; active: boolean }>(
      'SELECT slot_name, database, active FROM pg_replication_slots',
    );
    if (rows.length)
      found.push(
        `replication slots: ${rows.map((r) => `${r.slot_name} (${r.database}${r.active ? ', active' : ''})`).join(', ')}`,
      );
  } finally {
    await client.end();
  }
  return found;
}
