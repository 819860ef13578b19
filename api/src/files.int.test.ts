import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { z } from 'zod';
import { newId, silentLogger } from '@fileflow/common';
import { createTestEnv, sendRaw, type TestEnv } from '@fileflow/testkit';
import { createFileDeps } from './testing';
import { createApp } from './app';
import { createFile } from './create-file';
import { createGroupedFileWriter, insertFilesOn } from './file-writer';

let env: TestEnv;
let app: ReturnType<typeof createApp>;

const accepted = z.object({ id: z.number(), status: z.literal('pending') });

/** POST /files with `body` sent byte for byte. */
const postRaw = (body: string | Buffer, headers: Record<string, string> = {}) =>
  sendRaw(app, {
    path: '/files',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  });

beforeAll(async () => {
  env = await createTestEnv('api');
  app = createApp({ db: env.db, topics: env.topics, logger: silentLogger, newId, now: () => new Date(), s3: env.s3 });
});
afterAll(() => env.cleanup());

const counts = async () => ({
  files: Number(
    (
      await env.db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  outbox: Number(
    (
      await env.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
});

describe('POST /files', () => {
  it('answers 202 with id, pending and Location, and writes the file and its outbox row', async () => {
    const before = await counts();
    const res = await request(app)
      .post('/files')
      .send({ title: 'My Document', description: 'This is a test document' })
      .expect(202);
    expect(res.body).toEqual({ id: expect.any(Number), status: 'pending' });
    expect(res.headers.location).toBe(`/files/${res.body.id}`);
    expect(await counts()).toEqual({ files: before.files + 1, outbox: before.outbox + 1 });

    const row = await env.db
      .selectFrom('outbox')
      .selectAll()
      .where('aggregateid', '=', String(res.body.id))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ aggregatetype: 'file', type: 'file.create', topic: env.topics.fileCreate });
    expect(row.payload).toEqual({
      fileId: res.body.id,
      title: 'My Document',
      description: 'This is a test document',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(row.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });

  it('takes the longest valid request however escaped: 255 + 10,000 astral characters as \\u escapes', async () => {
    const escaped = (n: number) => '\\ud83d\\ude00'.repeat(n); // 😀, 12 bytes each in the JSON text
    const body = `{"title":"${escaped(255)}","description":"${escaped(10_000)}"}`;
    expect(body.length).toBeGreaterThan(120_000);
    const res = await postRaw(body);
    expect(res.status).toBe(202);
    const file = await request(app)
      .get(`/files/${(res.body as { id: number }).id}`)
      .expect(200);
    expect(file.body.title).toBe('😀'.repeat(255));
    expect(file.body.description).toBe('😀'.repeat(10_000));
    // One character more is a 400 naming the field, not a 413 for the body.
    const tooLong = await postRaw(`{"title":"${escaped(256)}"}`);
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { errors: { path: string }[] }).errors[0]?.path).toBe('title');
  });

  it('continues the caller trace when a traceparent header is sent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(app)
      .post('/files')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ title: 'traced' })
      .expect(202);
    const row = await env.db
      .selectFrom('outbox')
      .select('traceparent')
      .where('aggregateid', '=', String(res.body.id))
      .executeTakeFirstOrThrow();
    expect(row.traceparent?.split('-')[1]).toBe(traceId);
  });
});

describe('bad input: a precise 4xx problem+json and no row written', () => {
  const cases: Array<[string, (r: request.Test) => request.Test, number, RegExp]> = [
    ['missing title', (r) => r.send({ description: 'd' }), 400, /title is required/],
    ['empty title', (r) => r.send({ title: '' }), 400, /title must not be empty/],
    ['256-character title', (r) => r.send({ title: 'x'.repeat(256) }), 400, /at most 255/],
    ['NUL in the title', (r) => r.send({ title: 'a\u0000b' }), 400, /must not contain the NUL character/],
    ['non-string description', (r) => r.send({ title: 't', description: 42 }), 400, /description must be a string/],
    ['non-object body', (r) => r.set('content-type', 'application/json').send('[1,2]'), 400, /JSON object/],
    ['malformed JSON', (r) => r.set('content-type', 'application/json').send('{"title": "t",'), 400, /not valid JSON/],
    ['text/plain body', (r) => r.set('content-type', 'text/plain').send('title=t'), 415, /application\/json/],
    ['no content type', (r) => r, 415, /application\/json/],
    ['2 MB body', (r) => r.send({ title: 't', description: 'x'.repeat(2 * 1024 * 1024) }), 413, /size limit/],
    ['a blank title', (r) => r.send({ title: ' \n\t ' }), 400, /title must not be blank/],
  ];

  it.each(cases)('%s', async (_name, build, status, detail) => {
    const before = await counts();
    const res = await build(request(app).post('/files')).expect(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:fileflow:problem:/),
      instance: '/files',
    });
    expect(JSON.stringify(res.body)).toMatch(detail);
    expect(await counts()).toEqual(before);
  });

  const rawCases: Array<[string, string | Buffer, Record<string, string>, number, RegExp]> = [
    ['a lone surrogate in the title', '{"title":"a\\ud800"}', {}, 400, /title must not contain a lone/],
    ['a lone surrogate in the description', '{"title":"t","description":"\\udc00"}', {}, 400, /description must not/],
    ['bytes that are not UTF-8', Buffer.from('{"title":"caf\xe9"}', 'latin1'), {}, 400, /not valid UTF-8/],
    ['an encoded surrogate (CESU-8)', Buffer.from('{"title":"\xed\xa0\x80"}', 'latin1'), {}, 400, /not valid UTF-8/],
    ['a UTF-16 charset', '{"title":"t"}', { 'content-type': 'application/json; charset=utf-16' }, 415, /must be utf-8/],
    ['a Latin-1 charset', '{"title":"t"}', { 'content-type': 'application/json; charset=latin1' }, 415, /charset/],
    ['a gzip body that does not decode', 'not gzip', { 'content-encoding': 'gzip' }, 400, /Content-Encoding gzip/],
    ['a deflate body that does not decode', 'xx', { 'content-encoding': 'deflate' }, 400, /Content-Encoding deflate/],
    ['a truncated brotli body', Buffer.from([0x8b]), { 'content-encoding': 'br' }, 400, /Content-Encoding br/],
    ['an unknown Content-Encoding', '{"title":"t"}', { 'content-encoding': 'x-unknown' }, 415, /unsupported content/],
    ['two Content-Encodings', '{"title":"t"}', { 'content-encoding': 'gzip, br' }, 415, /unsupported content/],
    ['a gzip bomb', gzipSync(`{"title":"${'x'.repeat(1 << 22)}"}`), { 'content-encoding': 'gzip' }, 413, /size limit/],
    ['nesting 30,000 deep', '['.repeat(30_000) + ']'.repeat(30_000), {}, 400, /JSON object/],
    ['a huge number as the title', '{"title":1e999999}', {}, 400, /title must be a string/],
    ['a 400-digit description', `{"title":"t","description":${'9'.repeat(400)}}`, {}, 400, /must be a string/],
    ['an empty body', '', {}, 400, /title is required/],
    ['JSON null', 'null', {}, 400, /JSON object/],
    [
      'a title given twice',
      '{"title":"kept?","title":"or this?"}',
      {},
      400,
      /field \\"title\\" is given more than once/,
    ],
    ['a __proto__ key', '{"title":"t","__proto__":{"x":1}}', {}, 400, /unknown field\(s\): __proto__/],
  ];

  it.each(rawCases)('%s (sent byte for byte)', async (_name, body, headers, status, detail) => {
    const before = await counts();
    const res = await postRaw(body, headers);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:fileflow:problem:/),
      instance: '/files',
    });
    expect(res.text).toMatch(detail);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['/files/%E0%A4%A', /not valid percent-encoded UTF-8/],
    ['/files/%', /not valid percent-encoded UTF-8/],
    ['/files/99999999999', /id is out of range/],
    ['/files/0x10', /id must be a positive integer/],
    ['/files?limit=1&limit=2', /limit must be given once/],
    ['/files?status=pending&status=failed', /status must be given once/],
    ['/files?limit=%E0%A4%A', /limit must be a positive integer/],
    ['/files?before=99999999999', /before is out of range/],
    ['/files?__proto__=x', /unknown query parameter/],
    ['/files?limit[]=1', /unknown query parameter/],
  ])('GET %s is a 400 naming the problem', async (path, detail) => {
    const res = await request(app).get(path).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, type: 'urn:fileflow:problem:validation-failed', instance: path });
    expect(JSON.stringify(res.body)).toMatch(detail);
  });

  it('a bad path with a Content-Encoding is still named as the path', async () => {
    const res = await sendRaw(app, { path: '/files/%E0/retry', headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/not valid percent-encoded UTF-8/);
  });

  it('GET /files/abc is a 400 naming the id', async () => {
    const res = await request(app).get('/files/abc').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { path: 'id', message: 'id must be a positive integer (digits only, no leading zero)' },
    ]);
  });

  it('GET /files/999999999 is a 404', async () => {
    const res = await request(app).get('/files/999999999').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('file 999999999 does not exist');
  });

  it('an unknown route is a 404 and a wrong method a 405', async () => {
    await request(app)
      .get('/nope')
      .expect(404)
      .expect('content-type', /problem\+json/);
    const wrong = await request(app)
      .put('/files/1')
      .expect(405)
      .expect('content-type', /problem\+json/);
    expect(wrong.headers.allow).toBe('GET, HEAD, DELETE');
  });

  it('GET /files rejects a bad status or limit', async () => {
    await request(app).get('/files?status=done').expect(400);
    await request(app).get('/files?limit=1000').expect(400);
  });
});

describe('GET /files', () => {
  it('lists newest first, filters by status and paginates with a next link', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await request(app)
            .post('/files')
            .send({ title: `list ${i}` })
            .expect(202)
        ).body.id,
      );
    const first = await request(app).get('/files?limit=2&status=pending').expect(200);
    expect((first.body as Array<{ id: number }>).map((f) => f.id)).toEqual([ids[4], ids[3]]);
    expect(first.body[0]).toMatchObject({ title: 'list 4', status: 'pending', s3Location: null, error: null });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link ?? '')?.[1];
    expect(next).toBe(`/files?limit=2&before=${ids[3]}&status=pending`);
    const second = await request(app).get(next!).expect(200);
    expect((second.body as Array<{ id: number }>).map((f) => f.id)).toEqual([ids[2], ids[1]]);
    expect((await request(app).get('/files?status=completed').expect(200)).body).toEqual([]);
  });

  it('stores text exactly as sent: padding, emoji, non-characters; gzip or with a UTF-8 byte order mark', async () => {
    const title = '  padded\u00a0 \u{1F600} \uFFFF ';
    const description = '\r\n\u2028 é\u0301 \u{10FFFF}\t';
    const plain = await request(app).post('/files').send({ title, description }).expect(202);
    const zipped = await postRaw(gzipSync(JSON.stringify({ title, description })), { 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(202);
    const bom = await postRaw(Buffer.from(`\ufeff${JSON.stringify({ title, description })}`));
    expect(bom.status).toBe(202);
    for (const body of [plain.body, zipped.body, bom.body]) {
      const res = await request(app)
        .get(`/files/${accepted.parse(body).id}`)
        .expect(200);
      expect(res.body).toMatchObject({ title, description });
    }
  });

  it('GET /files/:id returns the file', async () => {
    const { body } = await request(app).post('/files').send({ title: 'one', description: 'two' }).expect(202);
    const res = await request(app).get(`/files/${body.id}`).expect(200);
    expect(res.body).toMatchObject({ id: body.id, title: 'one', description: 'two', status: 'pending' });
    // Times are UTC whatever the machine's time zone (run the suite with TZ=Asia/Tokyo to see).
    expect(Math.abs(Date.parse(res.body.createdAt as string) - Date.now())).toBeLessThan(60_000);
  });
});

/** An outbox row with a new id, so that a later insert reusing that id fails (duplicate key). */
async function occupyOutboxId(): Promise<string> {
  const id = newId();
  await env.db
    .insertInto('outbox')
    .values({ id, aggregatetype: 'x', aggregateid: 'x', type: 'x', topic: 'x', payload: '{}', traceparent: null })
    .execute();
  return id;
}

describe('atomicity of the file row and its outbox row', () => {
  it('when the transaction fails after the file insert, neither row exists', async () => {
    const before = await counts();
    const takenId = await occupyOutboxId();
    // The outbox insert reuses an existing id: it fails after the file row was inserted.
    const deps = createFileDeps(env, { newId: () => takenId });
    await expect(createFile(deps, { body: { title: 'doomed', description: '' } })).rejects.toThrow(/duplicate key/);
    const doomed = await env.db.selectFrom('files').select('id').where('title', '=', 'doomed').execute();
    expect(doomed).toEqual([]);
    expect(await counts()).toEqual({ files: before.files, outbox: before.outbox + 1 });
    await env.db.deleteFrom('outbox').where('id', '=', takenId).execute();
  });

  it('when it commits, both rows exist', async () => {
    const deps = createFileDeps(env);
    const file = await createFile(deps, { body: { title: 'kept', description: '' } });
    const outbox = await env.db
      .selectFrom('outbox')
      .select('aggregateid')
      .where('aggregateid', '=', String(file.id))
      .execute();
    expect(outbox).toEqual([{ aggregateid: String(file.id) }]);
  });
});

describe('group commit (the API writes the files of concurrent requests in one statement)', () => {
  const txidsOf = async (ids: number[]) =>
    (
      await env.db
        .selectFrom('outbox')
        .select(['aggregateid', 'txid'])
        .where(
          'aggregateid',
          'in',
          ids.map((id) => String(id)),
        )
        .execute()
    ).map((r) => String(r.txid));

  it('commits a lone file at once and the ones that arrive meanwhile together, each with its outbox row', async () => {
    const deps = createFileDeps(env, { write: createGroupedFileWriter(insertFilesOn(env.db)) });
    const files = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createFile(deps, { body: { title: `grouped ${i}`, description: `d${i}` } })),
    );
    const rows = await env.db
      .selectFrom('files')
      .select(['id', 'title', 'status'])
      .where(
        'id',
        'in',
        files.map((f) => f.id),
      )
      .orderBy('id')
      .execute();
    expect(rows.map((f) => f.title)).toEqual(Array.from({ length: 20 }, (_, i) => `grouped ${i}`));
    expect(rows.every((f) => f.status === 'pending')).toBe(true);
    const txids = await txidsOf(files.map((f) => f.id));
    expect(txids).toHaveLength(20);
    // the first file alone, the 19 queued behind it in one transaction
    expect(new Set(txids).size).toBe(2);
  });

  it('a bad row fails only its own request; its neighbours commit', async () => {
    const takenId = await occupyOutboxId();
    const write = createGroupedFileWriter(insertFilesOn(env.db));
    const ids = [newId(), newId(), takenId, newId()];
    let k = 0;
    const deps = createFileDeps(env, { write, newId: () => ids[k++]! });
    const settled = await Promise.allSettled(
      ['first', 'left', 'doomed', 'right'].map((title) => createFile(deps, { body: { title, description: '' } })),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    const titles = await env.db
      .selectFrom('files')
      .select('title')
      .where('title', 'in', ['first', 'left', 'doomed', 'right'])
      .execute();
    expect(titles.map((t) => t.title).sort()).toEqual(['first', 'left', 'right']);
    await env.db.deleteFrom('outbox').where('id', '=', takenId).execute();
  });
});
