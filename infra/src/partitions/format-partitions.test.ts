import { formatPartitions, lagOf, type GroupReport } from './format-partitions';

const group: GroupReport = {
  groupId: 'file-service-group',
  state: 'Stable',
  members: [
    { memberId: 'm1', clientId: 'file-service', host: '127.0.0.1', assignment: { 'file.create': [0, 2] } },
    { memberId: 'm2', clientId: 'file-service-2', host: '127.0.0.1', assignment: { 'file.create': [1] } },
    { memberId: 'm3', clientId: 'file-service-3', host: '127.0.0.1', assignment: {} },
  ],
  partitions: [
    { topic: 'file.create', partition: 2, committed: 40n, end: 45n },
    { topic: 'file.create', partition: 0, committed: 10n, end: 10n },
    { topic: 'file.create', partition: 1, end: 7n },
  ],
};
const names: Record<string, string> = { 'file-service': 'file-processor', 'file-service-2': 'file-processor.2' };

describe('lagOf', () => {
  it('is the end minus the committed offset, never negative, and unknown with nothing committed', () => {
    expect(lagOf({ topic: 't', partition: 0, committed: 3n, end: 10n })).toBe(7n);
    expect(lagOf({ topic: 't', partition: 0, committed: 12n, end: 10n })).toBe(0n);
    expect(lagOf({ topic: 't', partition: 0, end: 10n })).toBeUndefined();
  });
});

describe('formatPartitions', () => {
  const text = formatPartitions([group], (id) => names[id]);
  const lines = text.split('\n');

  it('heads each group with its state and member count', () => {
    expect(lines[0]).toBe('group file-service-group (Stable, 3 members)');
  });

  it('has one row per partition in order, with its owner, offsets and lag', () => {
    const rows = lines.slice(2, 5).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['file.create', '0', 'file-processor', 'file-service', '127.0.0.1', '10', '10', '0'],
      ['file.create', '1', 'file-processor.2', 'file-service-2', '127.0.0.1', '-', '7', '-'],
      ['file.create', '2', 'file-processor', 'file-service', '127.0.0.1', '40', '45', '5'],
    ]);
  });

  it('names a member without partitions by its client id when no instance has it, and the total lag', () => {
    expect(text).toContain('  no partitions: file-service-3 (127.0.0.1)');
    expect(text).toContain('  total lag 5');
  });

  it('shows a partition without an owner (an empty group) with dashes', () => {
    const empty = formatPartitions([{ ...group, state: 'Empty', members: [] }]);
    expect(empty.split('\n')[0]).toBe('group file-service-group (Empty, 0 members)');
    expect(empty.split('\n')[2]?.trim().split(/\s+/)).toEqual(['file.create', '0', '-', '-', '-', '10', '10', '0']);
  });
});
