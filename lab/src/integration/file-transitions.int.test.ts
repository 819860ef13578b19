import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  fileTransitions,
  insertFilesWithOutbox,
  migrateToLatest,
  reserveFileIds,
  undoLatestMigration,
  updateFileStatuses,
} from '@fileflow/db';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('transitions');
});
afterAll(async () => {
  await env.cleanup();
});

/** `n` new files (pending), as the API writes them; their ids. */
async function newFiles(n: number): Promise<number[]> {
  const ids = await reserveFileIds(env.db, n);
  await insertFilesWithOutbox(
    env.db,
    ids.map((id) => ({
      file: { id, title: `t${id}`, description: 'd' },
      message: {
        id: randomUUID(),
        aggregatetype: 'file',
        aggregateid: String(id),
        type: 'file.create',
        topic: env.topics.fileCreate,
        payload: { fileId: id },
        traceparent: null,
      },
    })),
  );
  return ids;
}

/** The user triggers on `files`, by name. */
async function triggers(): Promise<string[]> {
  const { rows } = await sql<{ tgname: string }>`
    SELECT tgname FROM pg_trigger WHERE tgrelid = 'files'::regclass AND NOT tgisinternal ORDER BY tgname`.execute(
    env.db,
  );
  return rows.map((r) => r.tgname);
}

const journey = async (id: number) => (await fileTransitions(env.db, id)).map((t) => t.to);

/** The indexes of a table, by name, as PostgreSQL defines them. */
async function indexes(table: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ${table}`.execute(env.db);
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(/^.* USING /, '')]));
}

it('records every status change of a file, in order, apart from the other files', async () => {
  const [a, b] = await newFiles(2);
  await updateFileStatuses(env.db, [{ id: a!, status: 'processing' }]);
  await updateFileStatuses(env.db, [
    { id: a!, status: 'completed', s3Location: 's3://x/a' },
    { id: b!, status: 'processing' },
  ]);
  expect(await journey(a!)).toEqual(['pending', 'processing', 'completed']);
  expect(await journey(b!)).toEqual(['pending', 'processing']);
});

it('deletes the transitions of the files deleted, and only theirs', async () => {
  const [gone1, gone2, kept] = await newFiles(3);
  await updateFileStatuses(
    env.db,
    [gone1!, gone2!, kept!].map((id) => ({ id, status: 'processing' as const })),
  );
  await sql`DELETE FROM files WHERE id IN (${gone1!}, ${gone2!})`.execute(env.db);
  expect(await journey(gone1!)).toEqual([]);
  expect(await journey(gone2!)).toEqual([]);
  expect(await journey(kept!)).toEqual(['pending', 'processing']);
});

it('records nothing for a change that moves neither status nor attempt, and a new attempt even at the same status', async () => {
  const [id] = await newFiles(1);
  await sql`UPDATE files SET title = 'renamed', updated_at = now() WHERE id = ${id!}`.execute(env.db);
  expect(await journey(id!)).toEqual(['pending']);
  await sql`UPDATE files SET attempt = attempt + 1 WHERE id = ${id!}`.execute(env.db);
  const rows = await fileTransitions(env.db, id!);
  expect(rows.map((t) => [t.to, t.attempt])).toEqual([
    ['pending', 1],
    ['pending', 2],
  ]);
});

it('records the files of one statement in id order, each once', async () => {
  const ids = await newFiles(5);
  await updateFileStatuses(
    env.db,
    [...ids].reverse().map((id) => ({ id, status: 'processing' as const })),
  );
  const { rows } = await sql<{ file_id: number; to_status: string }>`
    SELECT file_id, to_status FROM file_transitions WHERE file_id = ANY (${ids}::int[]) ORDER BY id`.execute(env.db);
  expect(rows).toEqual([
    ...ids.map((id) => ({ file_id: id, to_status: 'pending' })),
    ...ids.map((id) => ({ file_id: id, to_status: 'processing' })),
  ]);
});

it('keys transitions by (file_id, id), keeps no status-only index on files, and its migrations undo and redo', async () => {
  expect(await indexes('file_transitions')).toEqual({ file_transitions_pkey: 'btree (file_id, id)' });
  expect(Object.keys(await indexes('files'))).not.toContain('files_status_id_idx');
  expect(await indexes('files')).toMatchObject({
    files_expired_updated_idx: "btree (updated_at) WHERE ((status)::text = 'expired'::text)",
  });
  expect(await triggers()).toEqual(['files_forget_transitions', 'files_record_changed', 'files_record_created']);

  expect(await undoLatestMigration(env.db)).toBe('0012-expired-files-index');
  expect(Object.keys(await indexes('files'))).not.toContain('files_expired_updated_idx');
  expect(await undoLatestMigration(env.db)).toBe('0011-statement-transitions');
  expect(await triggers()).toEqual(['files_forget_transitions', 'files_record_transition']);
  expect(await undoLatestMigration(env.db)).toBe('0010-lean-status-writes');
  expect(await triggers()).toEqual(['files_record_transition']);
  expect(await indexes('file_transitions')).toEqual({
    file_transitions_pkey: 'btree (id)',
    file_transitions_file_idx: 'btree (file_id, id)',
  });
  expect(await indexes('files')).toMatchObject({ files_status_id_idx: 'btree (status, id DESC)' });
  const [id] = await newFiles(1);
  await updateFileStatuses(env.db, [{ id: id!, status: 'processing' }]);
  expect(await journey(id!)).toEqual(['pending', 'processing']);
  await expect(
    sql`INSERT INTO file_transitions (file_id, to_status) VALUES (-1, 'pending')`.execute(env.db),
  ).rejects.toThrow(/foreign key/);

  expect(await migrateToLatest(env.db)).toEqual([
    '0010-lean-status-writes',
    '0011-statement-transitions',
    '0012-expired-files-index',
  ]);
  expect(await indexes('file_transitions')).toEqual({ file_transitions_pkey: 'btree (file_id, id)' });
  await updateFileStatuses(env.db, [{ id: id!, status: 'completed', s3Location: 's3://x/y' }]);
  expect(await journey(id!)).toEqual(['pending', 'processing', 'completed']);
});
