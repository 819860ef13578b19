import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logProblems, logTrail, parseLogLine } from './log-excerpts';

describe('parseLogLine', () => {
  it('reads a log4j line (Kafka Connect) in local time', () => {
    expect(parseLogLine('[2026-11-25 03:46:31,670] ERROR [c|task-0] Producer failure (X:52)')).toEqual({
      at: new Date('2026-11-25T03:46:31.670').getTime(),
      level: 'error',
      text: '[c|task-0] Producer failure (X:52)',
    });
  });

  it('reads a JSON line of our services, with its error field', () => {
    const line = JSON.stringify({ time: '2026-11-25T04:00:00.000Z', level: 'warn', msg: 'retrying', err: 'boom' });
    expect(parseLogLine(line)).toEqual({
      at: Date.parse('2026-11-25T04:00:00.000Z'),
      level: 'warn',
      text: 'retrying: boom',
    });
  });

  it('skips anything else', () => {
    expect(parseLogLine('\tat org.apache.kafka.Foo(Foo.java:1)')).toBeUndefined();
    expect(parseLogLine('{not json')).toBeUndefined();
  });
});

describe('logProblems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-excerpts-'));
  const json = (time: string, level: string, msg: string) => JSON.stringify({ time, level, msg });

  it('counts the distinct warnings and errors since a time, ids folded, most frequent first', () => {
    const file = join(dir, 'svc.log');
    writeFileSync(
      file,
      [
        json('2026-11-25T04:00:00.000Z', 'error', 'too early'),
        json('2026-11-25T04:00:02.000Z', 'info', 'not a problem'),
        json('2026-11-25T04:00:03.000Z', 'warn', 'connector 1 not running'),
        json('2026-11-25T04:00:04.000Z', 'error', 'fatal'),
        json('2026-11-25T04:00:05.000Z', 'warn', 'connector 2 not running'),
        '',
      ].join('\n'),
    );
    expect(logProblems(file, Date.parse('2026-11-25T04:00:01.000Z'))).toEqual([
      '2 x connector 1 not running',
      '1 x fatal',
    ]);
    expect(logProblems(file, 0, { levels: ['error'], max: 1 })).toEqual(['1 x too early']);
  });

  it('is empty for a log that does not exist', () => {
    expect(logProblems(join(dir, 'missing.log'), 0)).toEqual([]);
  });
});

describe('logTrail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-trail-'));

  it('keeps the last matching lines since a time, at any level, with their local clock time', () => {
    const file = join(dir, 'connect.log');
    writeFileSync(
      file,
      [
        '[2026-11-25 04:00:00,000] INFO Rebalance started (DistributedHerder:1)',
        '[2026-11-25 04:00:02,000] INFO Rebalance started (DistributedHerder:1)',
        '[2026-11-25 04:00:03,000] INFO something else (Foo:1)',
        '[2026-11-25 04:00:04,005] WARN Joined group (WorkerCoordinator:2)',
        '[2026-11-25 04:00:05,000] INFO Finished starting (DistributedHerder:3)',
        '',
      ].join('\n'),
    );
    expect(
      logTrail(file, new Date('2026-11-25T04:00:01').getTime(), {
        match: /DistributedHerder|WorkerCoordinator/,
        max: 2,
      }),
    ).toEqual([
      '04:00:04.005 WARN Joined group (WorkerCoordinator:2)',
      '04:00:05.000 INFO Finished starting (DistributedHerder:3)',
    ]);
  });
});

describe('logProblems ignore', () => {
  it('drops the lines a pattern marks as chatter', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-ignore-')), 'connect.log');
    writeFileSync(
      file,
      [
        '[2026-11-25 04:00:00,000] WARN Connection to node -1 could not be established (NetworkClient:899)',
        '[2026-11-25 04:00:01,000] WARN Failed to write task configs (DistributedHerder:1)',
        '',
      ].join('\n'),
    );
    expect(logProblems(file, 0, { ignore: /NetworkClient:/ })).toEqual([
      '1 x Failed to write task configs (DistributedHerder:1)',
    ]);
  });
});
