/**
 * Native stack launcher: Postgres + Kafka (KRaft) + S3Proxy (+ Kafka Connect with Debezium on request)
 * as detached processes on 127.0.0.1.
 * Run from anywhere: `npx tsx infra/src/cli.ts <command>` (see usage below / infra/README.md).
 */
import {
  COMPONENT_NAMES,
  SERVICE_NAMES,
  connectWanted,
  stackInfo,
  type InstanceName,
  type ProcessName,
} from './config';
import { consoleReporter } from './log';
import { parseBrokerCount } from './kafka-brokers';
import { describePartitions } from './partitions/describe-partitions';
import { formatPartitions } from './partitions/format-partitions';
import { instanceOfClientId, pipelineGroups } from './partitions/pipeline-groups';
import { errorMessage } from './readiness/wait';
import { ScaleError, MAX_INSTANCES, parseTarget } from './scale/scale';
import { parseUpArgs } from './scale/up-args';
import { logs } from './stack/logs';
import { printStatus } from './stack/print-status';
import { isComponentName } from './stack/registry';
import { signalNamed } from './stack/signal';
import { downAll, stopNamed } from './stack/stop';
import { startNamed, upServices, upStack } from './stack/up';
import { relayModeToStart, switchRelayMode } from './stack/relay';
import { RelayModeRefusal } from './relay-mode/refusal';
import { parseMode } from './relay-mode/running-mode';

const USAGE = `Usage: npx tsx infra/src/cli.ts <command>

  up [--services] [--connect] [--prometheus] [--scale <service>=<n>,...] [--partitions N]
     [--kafka-brokers 1|3]
                         start (or keep) postgres, kafka, s3, redis; with --services also run the
                         migrations and start api, outbox-relay, file-processor; with --connect
                         (or RELAY_MODE=debezium in the environment) also Kafka Connect + Debezium;
                         with --prometheus also Prometheus scraping the services (built from the
                         Go module proxy on first use, about 7 minutes); --scale runs n (1..${MAX_INSTANCES})
                         instances of a service (implies --services; the stack remembers it);
                         --partitions gives topics created now N partitions (FILEFLOW_KAFKA_PARTITIONS);
                         --kafka-brokers 3 (or FILEFLOW_KAFKA_BROKERS=3) runs three Kafka brokers,
                         kafka, kafka-2, kafka-3 (replication factor 3, min.insync.replicas 2; the
                         cluster's data remembers it, so later commands need not say it again)
  down                   stop services, then the stack (SIGTERM, bounded wait, then SIGKILL)
  status                 table of components and service instances: state, pid, ports, ready, RSS
  partitions             per consumer group of the pipeline: which instance owns which partition,
                         committed offset, end and lag
  logs [name] [-f] [-n N] list logs, or print the last N (200) lines of one, -f to follow
  start <name>           start one component, one service instance, or every instance of a service
  stop <name>            stop one component, one service instance, or every instance of a service
  kill <name> [SIGNAL]   signal one (default SIGKILL) — failure injection
  env                    print the connection settings as shell exports
  mode polling|debezium  switch the outbox relay's mode (the stack remembers it; RELAY_MODE
                         asking for the other mode is refused with exit code 2)

names: ${[...COMPONENT_NAMES, ...SERVICE_NAMES].join(', ')}, or an instance: <service>.<k> (file-processor.2)`;

// The AWS SDK warns once per process that Node 20 support ends in 2027; keep the CLI output readable.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (!w.message.includes('NodeVersionSupportWarning')) process.stderr.write(`${w.name}: ${w.message}\n`);
});

/** Arguments that make no sense: exit 2 with the reason (the launcher keeps common out of its start-up). */
class UsageError extends Error {}

/**
 * `--kafka-brokers N` (or `=N`): sets FILEFLOW_KAFKA_BROKERS for this run (a three-broker
 * cluster's data then remembers it); returns the other arguments.
 */
function takeBrokerCount(args: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const m = /^--kafka-brokers(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const value = m[1] ?? args[++i];
    if (value === undefined) throw new UsageError('--kafka-brokers needs a number (1 or 3)');
    try {
      process.env.FILEFLOW_KAFKA_BROKERS = String(parseBrokerCount(value, '--kafka-brokers'));
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
  }
  return rest;
}

function parseName(arg: string | undefined): ProcessName | InstanceName {
  if (arg && isComponentName(arg)) return arg;
  const target = arg === undefined ? undefined : parseTarget(arg);
  if (arg && target) return arg as InstanceName;
  throw new UsageError(
    `expected a name (${[...COMPONENT_NAMES, ...SERVICE_NAMES].join(', ')}, or <service>.<k>), got ${arg ?? 'nothing'}`,
  );
}

async function partitions(): Promise<void> {
  const reports = await describePartitions(stackInfo().kafkaBrokers, pipelineGroups());
  process.stdout.write(formatPartitions(reports, instanceOfClientId));
}

function printEnv(): void {
  const info = stackInfo();
  const vars: Record<string, string> = {
    DATABASE_URL: info.databaseUrl,
    KAFKA_BROKERS: info.kafkaBrokers.join(','),
    AWS_ENDPOINT: info.s3Endpoint,
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: info.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.credentials.secretAccessKey,
    S3_BUCKET: info.bucket,
    KAFKA_CONNECT_URL: info.kafkaConnectUrl,
  };
  for (const [k, v] of Object.entries(vars)) console.log(`export ${k}=${JSON.stringify(v)}`);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const report = consoleReporter;
  switch (cmd) {
    case 'up': {
      const up = parseUpArgs(takeBrokerCount(args));
      if (up.partitions !== undefined) process.env.FILEFLOW_KAFKA_PARTITIONS = String(up.partitions);
      // the relay's mode is decided (or refused) before anything starts; Debezium needs Connect
      const relayMode = up.services ? relayModeToStart() : undefined;
      const connect = connectWanted(up.connect || undefined) || relayMode === 'debezium';
      const info = await upStack(report, { connect, prometheus: up.prometheus });
      if (up.services) await upServices(info, report, SERVICE_NAMES, up.scale);
      console.log(
        `DATABASE_URL=${info.databaseUrl}\nKAFKA_BROKERS=${info.kafkaBrokers.join(',')}\n` +
          `AWS_ENDPOINT=${info.s3Endpoint} (bucket ${info.bucket}, ${info.region}, path-style, ${info.credentials.accessKeyId}/${info.credentials.secretAccessKey})\n` +
          `REDIS_URL=${info.redisUrl}` +
          (connect ? `\nKAFKA_CONNECT_URL=${info.kafkaConnectUrl}` : '') +
          (up.prometheus ? '\nPrometheus: http://127.0.0.1:9090 (query API; no web UI)' : '') +
          (up.services
            ? '\nlive page: http://127.0.0.1:3000/ (API contract /openapi.json, reference /docs)' +
              '\nmetrics (Prometheus text): http://127.0.0.1:3003/metrics (api), :3001/metrics (file-processor), :3002/metrics (outbox-relay); instance k: port + 100·(k−1)' +
              '\ntraces: set OTEL_EXPORTER_OTLP_ENDPOINT before npm start to send them over OTLP/HTTP'
            : ''),
      );
      return 0;
    }
    case 'down':
      await downAll(report);
      report('stack', 'down');
      return 0;
    case 'status':
      await printStatus();
      return 0;
    case 'partitions':
      await partitions();
      return 0;
    case 'mode':
      await switchRelayMode(parseMode(args[0]), report);
      return 0;
    case 'logs':
      await logs(args);
      return 0;
    case 'start':
      await startNamed(parseName(args[0]), report);
      return 0;
    case 'stop':
      await stopNamed(parseName(args[0]), report);
      return 0;
    case 'kill': {
      const name = parseName(args[0]);
      const signal = (args[1] ?? 'SIGKILL').toUpperCase();
      const sig = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
      const pids = await signalNamed(name, sig);
      report(
        name,
        pids.length === 1
          ? `sent ${sig} to pid ${pids.join('')} and its child processes`
          : `sent ${sig} to pids ${pids.join(', ')} and their child processes`,
      );
      return 0;
    }
    case 'env':
      printEnv();
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (cmd !== undefined) {
        console.log(USAGE);
        return 0;
      }
      console.error(USAGE);
      return 2;
    default:
      console.error(`unknown command ${cmd}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof RelayModeRefusal || err instanceof UsageError || err instanceof ScaleError) {
      console.error(`ERROR: ${err.message}`);
      process.exit(2);
    }
    console.error(`\nERROR: ${errorMessage(err)}`);
    process.exit(1);
  },
);
