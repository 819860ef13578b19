import { partitionShortfall } from './shortfall';

describe('partitionShortfall', () => {
  const topics = ['file.create', 'file.created', 'file.processing'];

  it('names, in one warning, each topic with fewer partitions than asked, and says they are left so', () => {
    const warning = partitionShortfall({ 'file.create': 3, 'file.created': 6, 'file.processing': 1 }, topics, 6);
    expect(warning).toMatch(
      /^topics file\.create \(3\), file\.processing \(1\) have fewer partitions than the 6 asked for, and are left so/,
    );
    expect(warning).toMatch(/drain the pipeline and delete the topics first, or start a new deployment$/);
    expect(partitionShortfall({ 'file.create': 3 }, topics, 6)).toMatch(
      /^topic file\.create \(3\) has fewer .*, and is left so/,
    );
  });

  it('is silent for topics with as many or more, for topics it was not asked about, and for unknown ones', () => {
    expect(partitionShortfall({ 'file.create': 6, 'file.created': 12, other: 1 }, topics, 6)).toBeUndefined();
    expect(partitionShortfall({}, topics, 6)).toBeUndefined();
  });
});
