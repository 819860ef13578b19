import { JVM_COMMON_FLAGS, KAFKA } from '../config';
import { parseBrokerCount } from '../kafka-brokers';
import { launcherNodeSpec, serverProperties } from './kafka';
import { nodeServerProperties } from './kafka-node';

const props = new Map(
  serverProperties()
    .split('\n')
    .filter((l) => l.includes('=') && !l.startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
);

describe('the broker', () => {
  it("keeps the log cleaner's dedupe map small: the default 128 MB would sit on a quarter of the heap for good", () => {
    expect(Number(props.get('log.cleaner.dedupe.buffer.size'))).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('runs G1 on a fixed heap, and no other collector is asked for', () => {
    const flags = [...KAFKA.jvm, ...JVM_COMMON_FLAGS];
    expect(flags).toContain('-XX:+UseG1GC');
    expect(flags.filter((f) => /^-XX:\+Use\w+GC$/.test(f))).toHaveLength(1);
    const size = (prefix: string) => flags.find((f) => f.startsWith(prefix))?.slice(prefix.length);
    expect(size('-Xms')).toBe(size('-Xmx'));
  });
});

const parse = (text: string) =>
  new Map(
    text
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('three brokers', () => {
  const nodes = [1, 2, 3].map((id) => parse(nodeServerProperties(launcherNodeSpec(id, 3), 'test')));

  it('form one quorum of three voters, each node on its own ports and data dir', () => {
    const voters = nodes.map((n) => n.get('controller.quorum.voters'));
    expect(new Set(voters)).toEqual(new Set(['1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293']));
    expect(nodes.map((n) => n.get('node.id'))).toEqual(['1', '2', '3']);
    expect(new Set(nodes.map((n) => n.get('listeners'))).size).toBe(3);
    expect(new Set(nodes.map((n) => n.get('log.dirs'))).size).toBe(3);
  });

  it('keep three copies of every partition and need two for a write, the internal topics too', () => {
    for (const n of nodes) {
      expect(n.get('default.replication.factor')).toBe('3');
      expect(n.get('min.insync.replicas')).toBe('2');
      expect(n.get('offsets.topic.replication.factor')).toBe('3');
      expect(n.get('transaction.state.log.replication.factor')).toBe('3');
      expect(n.get('transaction.state.log.min.isr')).toBe('2');
    }
  });

  it('only the first node has the network-fault listener', () => {
    expect(nodes.map((n) => n.get('listeners')?.includes('FAULTY'))).toEqual([true, false, false]);
  });
});

describe('the broker count', () => {
  it('is one or three', () => {
    expect(parseBrokerCount('3', 'test')).toBe(3);
    expect(() => parseBrokerCount('2', 'test')).toThrow(/use 1 or 3/);
  });

  it('gives one broker a single copy of each partition (min.insync.replicas left at its default)', () => {
    expect(props.get('default.replication.factor')).toBe('1');
    expect(props.has('min.insync.replicas')).toBe(false);
  });
});
