import { createGroupCommit, noFaults, type Faults } from '@fileflow/common';
import { insertFilesWithOutbox, type Db, type FileRow, type NewFileWithOutbox } from '@fileflow/db';

/**
 * Writes a file and its outbox message in one transaction; resolves once it committed, with
 * `undefined` when nothing was written because the file's idempotency key was taken.
 */
export type FileWriter = (item: NewFileWithOutbox) => Promise<FileRow | undefined>;

/** Writes files and their outbox messages in ONE transaction (`insertFilesWithOutbox`). */
export type InsertFiles = (items: readonly NewFileWithOutbox[]) => Promise<(FileRow | undefined)[]>;

/** `insertFilesWithOutbox` on `db`. */
export const insertFilesOn =
  (db: Db): InsertFiles =>
  (items) =>
    insertFilesWithOutbox(db, items);

/** Each file in a transaction of its own. */
export function createFileWriter(insert: InsertFiles): FileWriter {
  return async (item) => (await insert([item]))[0];
}

type Written = { ok: true; row: FileRow | undefined } | { ok: false; error: unknown };

/**
 * Group commit: the files of concurrent requests share one statement and one commit
 * (`createGroupCommit`: one write at a time, over everything that arrived while the previous one
 * ran, so a lone request is written at once and waits for nobody). Each caller still resolves
 * only after its own row committed. If a shared write fails, each of its files is written again
 * alone, so a bad row fails only its own request (and a database outage fails each with its
 * own error); two files with one idempotency key in one statement fail it too, and alone, the
 * second waits for the first and writes nothing. `faults` (failure suite): a crash after a shared statement committed, before any of
 * its requests is answered.
 */
export function createGroupedFileWriter(insert: InsertFiles, faults: Faults = noFaults): FileWriter {
  const alone = createFileWriter(insert);
  const write = createGroupCommit(async (items: NewFileWithOutbox[]): Promise<Written[]> => {
    let rows: (FileRow | undefined)[];
    try {
      rows = await insert(items);
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      return Promise.all(
        items.map((item) =>
          alone(item).then(
            (row): Written => ({ ok: true, row }),
            (e: unknown): Written => ({ ok: false, error: e }),
          ),
        ),
      );
    }
    faults.hit('api.after-commit');
    return rows.map((row) => ({ ok: true, row }));
  });
  return async (item) => {
    const [written] = await write([item]);
    if (!written) throw new Error(`file ${item.file.id} has no outcome`);
    if (!written.ok) throw written.error;
    return written.row;
  };
}
