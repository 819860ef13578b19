/**
 * Topics that have fewer partitions than the stack asks for, in one warning (undefined when none).
 * They are reported, never given more: adding partitions moves keys to other partitions, so a
 * file's events still in flight on the old one could be read after its newer ones. A new count
 * takes a new deployment, or topics drained and deleted first.
 */
export function partitionShortfall(
  counts: Readonly<Record<string, number>>,
  topics: readonly string[],
  wanted: number,
): string | undefined {
  const short = topics.flatMap((t) => {
    const n = counts[t];
    return n !== undefined && n < wanted ? [`${t} (${n})`] : [];
  });
  if (short.length === 0) return undefined;
  const one = short.length === 1;
  return (
    `topic${one ? '' : 's'} ${short.join(', ')} ha${one ? 's' : 've'} fewer partitions than the ${wanted} asked for, ` +
    `and ${one ? 'is' : 'are'} left so (adding partitions remaps keys and can reorder a file’s in-flight events): ` +
    'drain the pipeline and delete the topics first, or start a new deployment'
  );
}
