/**
 * Native stack launcher: Postgres + Kafka (KRaft) + S3Proxy (+ Kafka Connect with Debezium on request)
 * as detached processes on 127.0.0.1.
 * Run from anywhere: `npx tsx infra/src/cli.ts <command>` (see usage below / infra/README.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMPONENT_NAMES, SERVICE_NAMES, connectWanted, stackInfo, type ProcessName } from './config';
import { fmtBytes, consoleReporter } from './log';
import { parseBrokerCount } from './kafka-brokers';
import { LOGS_DIR, logFile } from './paths';
import { sleep } from './process/sleep';
import { errorMessage } from './readiness/wait';
import { isComponentName, isServiceName } from './stack/registry';
import { signalNamed } from './stack/signal';
import { statusAll } from './stack/status';
import { downAll, stopNamed } from './stack/stop';
import { startNamed, upServices, upStack } from './stack/up';
import { relayModeToStart, switchRelayMode } from './stack/relay';
import { RelayModeRefusal } from './relay-mode/refusal';
import { parseMode } from './relay-mode/running-mode';
import { RELAY_MODE_FILE, readRelayModeState } from './relay-mode/state-file';

const USAGE = `Usage: npx tsx infra/src/cli.ts <command>

  up [--services] [--connect] [--prometheus] [--kafka-brokers 1|3]
                         start (or keep) postgres, kafka, s3, redis; with --services also run the
                         migrations and start api, outbox-relay, file-processor; with --connect
                         (or RELAY_MODE=debezium in the environment) also Kafka Connect + Debezium;
                         with --prometheus also Prometheus scraping the services (built from the
                         Go module proxy on first use, about 7 minutes); with --kafka-brokers 3
                         (or FILEFLOW_KAFKA_BROKERS=3) three Kafka brokers, kafka, kafka-2, kafka-3
                         (replication factor 3, min.insync.replicas 2; the cluster's data
                         remembers it, so later commands need not say it again)
  down                   stop services, then the stack (SIGTERM, bounded wait, then SIGKILL)
  status                 table of components: state, pid, ports, ready, RSS, data size
  logs [name] [-f] [-n N] list logs, or print the last N (200) lines of one, -f to follow
  start <name>           start one component or service
  stop <name>            stop one component or service
  kill <name> [SIGNAL]   signal one (default SIGKILL) — failure injection
  env                    print the connection settings as shell exports
  mode polling|debezium  switch the outbox relay's mode (the stack remembers it; RELAY_MODE
                         asking for the other mode is refused with exit code 2)

names: ${[...COMPONENT_NAMES, ...SERVICE_NAMES].join(', ')}`;

// The AWS SDK warns once per process that Node 20 support ends in 2027; keep the CLI output readable.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (!w.message.includes('NodeVersionSupportWarning')) process.stderr.write(`${w.name}: ${w.message}\n`);
});

/** Arguments that make no sense: exit 2 with the reason (the launcher keeps common out of its start-up). */
class UsageError extends Error {}

function parseName(arg: string | undefined): ProcessName {
  if (arg && (isComponentName(arg) || isServiceName(arg))) return arg;
  throw new UsageError(
    `expected a name (${[...COMPONENT_NAMES, ...SERVICE_NAMES].join(', ')}), got ${arg ?? 'nothing'}`,
  );
}

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

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

async function status(): Promise<void> {
  const rows = await statusAll();
  const header = ['NAME', 'STATE', 'PID', 'PORTS', 'READY', 'RSS', 'DATA', 'WHAT'];
  const widths = [16, 12, 9, 12, 7, 10, 10, 0];
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('')
      .trimEnd();
  console.log(line(header));
  for (const r of rows) {
    console.log(
      line([
        r.name,
        r.state,
        r.pid !== undefined ? String(r.pid) : '-',
        r.ports.join(','),
        r.state === 'stopped' ? '-' : r.ready ? 'yes' : 'NO',
        r.rssBytes !== undefined ? fmtBytes(r.rssBytes) : '-',
        r.dataBytes !== undefined ? fmtBytes(r.dataBytes) : '-',
        r.detail,
      ]),
    );
  }
  for (const r of rows) {
    if (r.state === 'running' && !r.ready)
      console.log(`  ${r.name}: not ready: ${r.readyError ?? '?'} (log: ${r.logFile})`);
    if (r.state === 'port-in-use') console.log(`  ${r.name}: not running, but its port is taken by another process`);
  }
  const relay = rows.find((r) => r.name === 'outbox-relay');
  const remembered = readRelayModeState();
  console.log(
    `relay mode: ${remembered ? `${remembered.mode} (since ${remembered.since})` : 'not set yet (polling unless RELAY_MODE says)'}` +
      (relay?.relayMode && relay.relayMode !== remembered?.mode
        ? `; the running relay is in ${relay.relayMode} mode`
        : '') +
      ` (${RELAY_MODE_FILE})`,
  );
  console.log(`logs: ${LOGS_DIR}`);
}

function printTail(file: string, lines: number): number {
  const size = fs.statSync(file).size;
  const start = Math.max(0, size - Math.max(64 * 1024, lines * 400));
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(size - start);
  fs.readSync(fd, buf, 0, buf.length, start);
  fs.closeSync(fd);
  const text = buf.toString('utf8').split('\n');
  if (text[text.length - 1] === '') text.pop();
  process.stdout.write(text.slice(-lines).join('\n') + '\n');
  return size;
}

async function logs(args: string[]): Promise<void> {
  const follow = args.includes('-f') || args.includes('--follow');
  const nIdx = args.indexOf('-n');
  const lines = nIdx >= 0 ? Number(args[nIdx + 1] ?? '200') : 200;
  const name = args.find((a, i) => !a.startsWith('-') && !(nIdx >= 0 && i === nIdx + 1));
  if (!name) {
    const files = fs.existsSync(LOGS_DIR)
      ? fs
          .readdirSync(LOGS_DIR)
          .filter((f) => f.endsWith('.log'))
          .sort()
      : [];
    if (files.length === 0) console.log(`no logs yet in ${LOGS_DIR}`);
    for (const f of files) {
      const st = fs.statSync(path.join(LOGS_DIR, f));
      console.log(
        `${pad(f.replace(/\.log$/, ''), 18)}${pad(fmtBytes(st.size), 10)}${st.mtime.toISOString()}  ${path.join(LOGS_DIR, f)}`,
      );
    }
    return;
  }
  const file = logFile(name);
  if (!fs.existsSync(file)) throw new Error(`no log ${file} (run \`logs\` to list them)`);
  let pos = printTail(file, lines);
  if (!follow) return;
  for (;;) {
    await sleep(300);
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      continue;
    }
    if (size < pos) pos = 0;
    if (size > pos) {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - pos);
      fs.readSync(fd, buf, 0, buf.length, pos);
      fs.closeSync(fd);
      process.stdout.write(buf);
      pos = size;
    }
  }
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
      const flags = takeBrokerCount(args);
      const unknown = flags.filter((a) => !['--services', '--connect', '--prometheus'].includes(a));
      if (unknown.length > 0) {
        throw new Error(
          `up: unknown option ${unknown.join(' ')} (use --services, --connect, --prometheus, --kafka-brokers 1|3)`,
        );
      }
      // the relay's mode is decided (or refused) before anything starts; Debezium needs Connect
      const relayMode = flags.includes('--services') ? relayModeToStart() : undefined;
      const connect = connectWanted(flags.includes('--connect') || undefined) || relayMode === 'debezium';
      const info = await upStack(report, { connect, prometheus: flags.includes('--prometheus') });
      if (flags.includes('--services')) await upServices(info, report);
      console.log(
        `DATABASE_URL=${info.databaseUrl}\nKAFKA_BROKERS=${info.kafkaBrokers.join(',')}\n` +
          `AWS_ENDPOINT=${info.s3Endpoint} (bucket ${info.bucket}, ${info.region}, path-style, ${info.credentials.accessKeyId}/${info.credentials.secretAccessKey})\n` +
          `REDIS_URL=${info.redisUrl}` +
          (connect ? `\nKAFKA_CONNECT_URL=${info.kafkaConnectUrl}` : '') +
          (flags.includes('--prometheus') ? '\nPrometheus: http://127.0.0.1:9090 (query API; no web UI)' : '') +
          (flags.includes('--services')
            ? '\nlive page: http://127.0.0.1:3000/ (API contract /openapi.json, reference /docs)' +
              '\nmetrics (Prometheus text): http://127.0.0.1:3000/metrics (api), :3001/metrics (file-processor), :3002/metrics (outbox-relay)' +
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
      await status();
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
      const pid = await signalNamed(name, sig);
      report(name, `sent ${sig} to pid ${pid} and its child processes`);
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
    if (err instanceof RelayModeRefusal || err instanceof UsageError) {
      console.error(`ERROR: ${err.message}`);
      process.exit(2);
    }
    console.error(`\nERROR: ${errorMessage(err)}`);
    process.exit(1);
  },
);
