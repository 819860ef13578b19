import { failedParts, nextCheckDelay } from './task-supervisor';

it('names the failed connector and tasks, with the first line of the trace', () => {
  expect(failedParts(undefined)).toEqual([]);
  expect(failedParts({ connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] })).toEqual([]);
  expect(
    failedParts({
      connector: { state: 'RUNNING' },
      tasks: [
        { id: 0, state: 'FAILED', trace: 'io.debezium.DebeziumException: I/O error\n\tat x' },
        { id: 1, state: 'RUNNING' },
      ],
    }),
  ).toEqual(['task 0: io.debezium.DebeziumException: I/O error']);
  expect(failedParts({ connector: { state: 'FAILED' }, tasks: [] })).toEqual(['connector']);
});

it('checks every interval while healthy and backs off while restarts keep failing', () => {
  expect(nextCheckDelay(2_000, 60_000, 0)).toBe(2_000);
  expect(nextCheckDelay(2_000, 60_000, 1)).toBe(4_000);
  expect(nextCheckDelay(2_000, 60_000, 10)).toBe(60_000);
});
