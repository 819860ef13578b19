/**
 * Topics that have fewer partitions than the stack asks for. They are reported, never given more:
 * adding partitions moves keys to other partitions, so a file's events still in flight on the old
 * one could be read after its newer ones. A new count takes a new deployment, or topics drained
 * and deleted first.
 */
export function partitionShortfalls(
  counts: Readonly<Record<string, number>>,
  topics: readonly string[],
  wanted: number,
): string[] {
  return topics.flatMap((t) => {
    const n = counts[t];
    return n !== undefined && n < wanted
      ? [
          `topic ${t} has ${n} partition${n === 1 ? '' : 's'}, not the ${wanted} asked for; ` +
            'it is left so (adding partitions remaps keys and can reorder a file’s in-flight events): ' +
            'drain the pipeline and delete the topics first, or start a new deployment',
        ]
      : [];
  });
}
