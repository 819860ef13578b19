import { localStackInfo } from '../config';
import { launcherWorker, renderWorkerProperties } from './connect';

const parse = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^\s*[#!]/.test(l))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as [string, string];
      }),
  );

describe('renderWorkerProperties', () => {
  const template = [
    '# a comment with ${NOT_A_PLACEHOLDER} is left alone',
    'bootstrap.servers=${KAFKA_BROKERS}',
    'group.id=something-else',
    'offset.flush.interval.ms=60000',
    'key.converter.schemas.enable=false',
    'value.converter.schemas.enable=true',
    '',
  ].join('\n');
  const props = parse(renderWorkerProperties(template, launcherWorker(localStackInfo())));

  it('fills the placeholders and replaces the keys the launcher owns', () => {
    expect(props.get('bootstrap.servers')).toBe(localStackInfo().kafkaBrokers.join(','));
    expect(props.get('group.id')).not.toBe('something-else');
    expect(props.get('key.converter.schemas.enable')).toBe('false'); // not owned: kept
    expect(props.has('value.converter.schemas.enable')).toBe(false); // owned and removed
  });

  it('gives its internal topics the replication factor of the cluster it is told of', () => {
    const three = parse(
      renderWorkerProperties(template, { ...launcherWorker(localStackInfo()), replicationFactor: 3 }),
    );
    for (const topic of ['config', 'offset', 'status'])
      expect(three.get(`${topic}.storage.replication.factor`)).toBe('3');
  });

  it('enables exactly-once source support', () => {
    expect(props.get('exactly.once.source.support')).toBe('enabled');
  });

  it("bounds the broker's hold on the source tasks' offset reads, so Debezium's LSN flush cannot stall the task for 500 ms", () => {
    // The exactly-once task's offsets consumer takes the worker's `consumer.` settings.
    expect(Number(props.get('consumer.fetch.max.wait.ms'))).toBeLessThanOrEqual(50);
  });

  it('leaves comment lines alone', () => {
    expect(renderWorkerProperties(template, launcherWorker(localStackInfo()))).toContain('${NOT_A_PLACEHOLDER}');
  });
});
