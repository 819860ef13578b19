/**
 * Hands out file ids from blocks reserved `blockSize` at a time (`reserveFileIds`), so
 * creating a file costs one round trip, not two: PostgreSQL's own sequence `CACHE`, on the
 * client. Concurrent callers share one refill. Ids come out ascending from one allocator; with
 * several API processes, blocks interleave, and a process that exits leaves the rest of its
 * block unused (gaps, as any sequence has).
 */
export function createFileIdAllocator(
  reserve: (n: number) => Promise<readonly number[]>,
  blockSize = 32,
): () => Promise<number> {
  let block: readonly number[] = [];
  let next = 0;
  let refill: Promise<void> | undefined;

  return async function nextFileId(): Promise<number> {
    while (next >= block.length) {
      refill ??= reserve(blockSize)
        .then((ids) => {
          block = ids;
          next = 0;
        })
        .finally(() => {
          refill = undefined;
        });
      await refill;
    }
    return block[next++]!;
  };
}
