import { partitionShortfalls } from './shortfall';

describe('partitionShortfalls', () => {
  const topics = ['file.create', 'file.created'];

  it('names each topic with fewer partitions than asked, and says it is left so', () => {
    const warnings = partitionShortfalls({ 'file.create': 3, 'file.created': 6 }, topics, 6);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^topic file\.create has 3 partitions, not the 6 asked for; it is left so/);
    expect(warnings[0]).toMatch(/drain the pipeline and delete the topics first, or start a new deployment/);
  });

  it('is silent for topics with as many or more, for topics it was not asked about, and for unknown ones', () => {
    expect(partitionShortfalls({ 'file.create': 6, 'file.created': 12, other: 1 }, topics, 6)).toEqual([]);
    expect(partitionShortfalls({}, topics, 6)).toEqual([]);
  });
});
