/**
 * Group commit: concurrent calls are coalesced so that `flush` runs one call at a time, over
 * everything queued while the previous one ran (in arrival order). Each caller gets the results
 * of its own items, or the error of the flush its items were in.
 */
export function createGroupCommit<T, R>(flush: (items: T[]) => Promise<R[]>): (items: readonly T[]) => Promise<R[]> {
  type Waiter = { items: readonly T[]; resolve: (r: R[]) => void; reject: (e: unknown) => void };
  let queue: Waiter[] = [];
  let flushing = false;

  const drain = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const results = await flush(group.flatMap((w) => w.items));
        let at = 0;
        for (const w of group) {
          w.resolve(results.slice(at, at + w.items.length));
          at += w.items.length;
        }
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    flushing = false;
  };

  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!flushing) void drain();
    });
}
