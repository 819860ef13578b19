import type { ConnectorStatus } from './connect-client';
import { waitUntilRunning } from './register-connector';

const status = (connector: string, task?: string, trace?: string): ConnectorStatus => ({
  connector: { state: connector },
  tasks: task ? [{ id: 0, state: task, ...(trace ? { trace } : {}) }] : [],
});

function fakeConnect(answers: Array<ConnectorStatus | undefined>) {
  let i = 0;
  return { status: () => Promise.resolve(answers[Math.min(i++, answers.length - 1)]) };
}

it('returns once connector and task run, warning meanwhile with the status it waits on', async () => {
  const warnings: Array<Record<string, unknown> | undefined> = [];
  const logger = { warn: (_msg: string, fields?: Record<string, unknown>) => warnings.push(fields) };
  const connect = fakeConnect([
    undefined,
    status('RUNNING'),
    status('RUNNING', 'UNASSIGNED'),
    status('RUNNING', 'RUNNING'),
  ]);
  await waitUntilRunning({ connect, logger }, 'c', { timeoutMs: 10_000, reportEveryMs: 0, pollMs: 1 });
  expect(warnings.map((w) => w?.status)).toEqual(['missing', status('RUNNING'), status('RUNNING', 'UNASSIGNED')]);
});

it('throws with the trace when the task FAILED, and with the last status after the timeout', async () => {
  const logger = { warn: () => undefined };
  await expect(
    waitUntilRunning({ connect: fakeConnect([status('RUNNING', 'FAILED', 'boom\n\tat x')]), logger }, 'c', {
      timeoutMs: 10_000,
      pollMs: 1,
    }),
  ).rejects.toThrow('connector c task failed: boom');
  await expect(
    waitUntilRunning({ connect: fakeConnect([status('UNASSIGNED')]), logger }, 'c', { timeoutMs: 5, pollMs: 1 }),
  ).rejects.toThrow(/not running after 5 ms: .*UNASSIGNED/);
});
