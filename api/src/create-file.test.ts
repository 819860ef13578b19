import { topicsWithSuffix } from '@fileflow/common';
import type { FileRow, IdempotencyRecord, NewFileWithOutbox } from '@fileflow/db';
import { AppError } from './app-error';
import { createFile, type CreateFileDeps } from './create-file';
import { requestFingerprint } from './idempotency';

const row = (item: NewFileWithOutbox): FileRow => ({
  id: item.file.id,
  title: item.file.title,
  description: item.file.description,
  status: 'pending',
  s3_location: null,
  error: null,
  attempt: 1,
  owner: item.file.owner ?? null,
  format: item.file.format ?? 'txt',
  expires_at: null,
  deletion_requested_at: null,
  reported_at: null,
  published_at: null,
  created_at: new Date(0),
  updated_at: new Date(0),
});

const deps = (over: Partial<CreateFileDeps>): CreateFileDeps => ({
  topics: topicsWithSuffix('u'),
  write: (item) => Promise.resolve(row(item)),
  fileId: () => Promise.resolve(7),
  newId: () => '00000000-0000-4000-8000-000000000000',
  traceparent: () => '',
  now: () => new Date(0),
  ...over,
});

const body = { title: 't', description: 'd' };
const lostConnection = Object.assign(new Error('Connection terminated unexpectedly'), {});

it('creates the file under the id it allocated', async () => {
  await expect(createFile(deps({}), { body })).resolves.toEqual({ id: 7, replayed: false });
});

it('when the database fails without saying whether the commit landed, a file that exists was created', async () => {
  const d = deps({ write: () => Promise.reject(lostConnection), fileExists: (id) => Promise.resolve(id === 7) });
  await expect(createFile(d, { body })).resolves.toEqual({ id: 7, replayed: false });
});

it('... and one that does not exist fails with the database error (a 503: nothing was written)', async () => {
  const d = deps({ write: () => Promise.reject(lostConnection), fileExists: () => Promise.resolve(false) });
  await expect(createFile(d, { body })).rejects.toBe(lostConnection);
  const unreachable = deps({
    write: () => Promise.reject(lostConnection),
    fileExists: () => Promise.reject(lostConnection),
  });
  await expect(createFile(unreachable, { body })).rejects.toBe(lostConnection);
});

it('an error that is not the database being unreachable is not looked up', async () => {
  const bad = new Error('duplicate key value violates unique constraint');
  let looked = false;
  const d = deps({
    write: () => Promise.reject(bad),
    fileExists: () => {
      looked = true;
      return Promise.resolve(true);
    },
  });
  await expect(createFile(d, { body })).rejects.toBe(bad);
  expect(looked).toBe(false);
});

describe('a taken idempotency key', () => {
  const taken = (record: IdempotencyRecord | undefined) =>
    deps({ write: () => Promise.resolve(undefined), findIdempotencyKey: () => Promise.resolve(record) });
  const live = (hash: Buffer): IdempotencyRecord => ({ fileId: 3, requestHash: hash, expiresAt: new Date(1e13) });

  it('answers what the key created when the request is the same', async () => {
    await expect(createFile(taken(live(requestFingerprint(body))), { body, idempotencyKey: 'k' })).resolves.toEqual({
      id: 3,
      replayed: true,
    });
  });

  it('is a 422 when the request is another', async () => {
    const err = await createFile(taken(live(requestFingerprint({ ...body, title: 'other' }))), {
      body,
      idempotencyKey: 'k',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).httpStatus).toBe(422);
  });

  it('writes again when the key expired between the write and the look-up, a few times at most', async () => {
    let writes = 0;
    const d = deps({
      write: () => {
        writes++;
        return Promise.resolve(undefined);
      },
      findIdempotencyKey: () => Promise.resolve(undefined),
    });
    const err = await createFile(d, { body, idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect((err as AppError).httpStatus).toBe(409);
    expect(writes).toBe(3);
  });
});
