import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResults } from './report';

const repoRoot = resolve(__dirname, '../../..');

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
