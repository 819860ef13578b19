import { spawn, type ChildProcess } from 'node:child_process';
import { abortHangingTransactionsCommand } from '@fileflow/infra';
import { stackSettings } from '@fileflow/testkit';

/**
 * The hanging-transaction janitor the failure suite runs beside Debezium scenarios, as a
 * deployment of Kafka Connect's exactly-once source should (docs/relays.md, "Hanging
 * transactions"): a broker killed mid-transaction can leave one that blocks Connect's offset
 * store for good. It aborts a transaction idle for `idleSeconds`, looking every `everySeconds`,
 * on the shared stack's Kafka unless told of other `brokers`.
 */
export function startTransactionJanitor(
  idleSeconds = 30,
  everySeconds = 5,
  brokers: readonly string[] = stackSettings.kafkaBrokers,
): { aborted: string[]; stop(): void } {
  const { command, args } = abortHangingTransactionsCommand(brokers.join(','), idleSeconds, everySeconds);
  const aborted: string[] = [];
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      aborted.push(line);
      console.warn(`transaction janitor: ${line}`);
    }
  });
  // Its own trouble (a look that failed, a compile error) must show, or a missing janitor passes unseen.
  child.stderr?.on('data', (chunk: Buffer) => console.warn(`transaction janitor (stderr): ${chunk.toString().trim()}`));
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL') console.warn(`transaction janitor exited (${code ?? signal ?? '?'})`);
  });
  return {
    aborted,
    stop() {
      child.kill('SIGKILL');
    },
  };
}
