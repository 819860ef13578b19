import { JVM_COMMON_FLAGS, KAFKA } from '../config';
import { serverProperties } from './kafka';

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
