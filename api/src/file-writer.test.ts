import type { FileRow, NewFileWithOutbox } from '@fileflow/db';
import { createGroupedFileWriter, type InsertFiles } from './file-writer';

const item = (id: number): NewFileWithOutbox => ({
  file: { id, title: `t${id}`, description: '' },
  message: {
    id: `m${id}`,
    aggregatetype: 'file',
    aggregateid: String(id),
    type: 'file.create',
    topic: 'x',
    payload: {},
    traceparent: null,
  },
});
const row = ({ file }: NewFileWithOutbox) => ({ ...file, status: 'pending' }) as unknown as FileRow;

/** An insert that records its calls; the first one waits until released. */
function recordingInsert(fails: (items: readonly NewFileWithOutbox[]) => boolean = () => false) {
  const calls: number[][] = [];
  let release: () => void = () => undefined;
  const firstHeld = new Promise<void>((r) => (release = r));
  const insert: InsertFiles = async (items) => {
    calls.push(items.map((i) => i.file.id));
    if (calls.length === 1) await firstHeld;
    if (fails(items)) throw new Error(`bad row among ${items.map((i) => i.file.id).join(',')}`);
    return items.map(row);
  };
  return { insert, calls, release: () => release() };
}

it('writes a lone file at once, and the files that arrive meanwhile together in the next statement', async () => {
  const { insert, calls, release } = recordingInsert();
  const write = createGroupedFileWriter(insert);
  const first = write(item(1));
  const others = [2, 3, 4].map((id) => write(item(id)));
  expect(calls).toEqual([[1]]);
  release();
  expect((await Promise.all([first, ...others])).map((r) => r?.id)).toEqual([1, 2, 3, 4]);
  expect(calls).toEqual([[1], [2, 3, 4]]);
});

it('when a shared statement fails, writes each of its files alone: only the bad one fails', async () => {
  const { insert, calls, release } = recordingInsert((items) => items.some((i) => i.file.id === 3));
  const write = createGroupedFileWriter(insert);
  const results = Promise.allSettled([1, 2, 3, 4].map((id) => write(item(id))));
  release();
  const settled = await results;
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect(String((settled[2] as PromiseRejectedResult).reason)).toContain('bad row among 3');
  expect(calls).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
});

it('a lone file that fails rejects with its own error', async () => {
  const { insert, release } = recordingInsert(() => true);
  const write = createGroupedFileWriter(insert);
  const done = write(item(7));
  release();
  await expect(done).rejects.toThrow('bad row among 7');
});

it('passes the after-commit fault point once per committed statement, before any caller is answered', async () => {
  const { insert, release } = recordingInsert();
  const log: string[] = [];
  const write = createGroupedFileWriter(insert, { hit: (point) => log.push(point) });
  const done = [1, 2, 3].map((id) => write(item(id)).then(() => log.push(`answered ${id}`)));
  release();
  await Promise.all(done);
  // file 1 alone, then 2 and 3 together: each answer comes after its own statement's fault point
  const hits = log.flatMap((entry, i) => (entry === 'api.after-commit' ? [i] : []));
  expect(hits).toHaveLength(2);
  expect(log.indexOf('answered 1')).toBeGreaterThan(hits[0]!);
  expect(log.indexOf('answered 2')).toBeGreaterThan(hits[1]!);
  expect(log.indexOf('answered 3')).toBeGreaterThan(hits[1]!);
});
