import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { z } from 'zod';
import { renderFile } from '@fileflow/file-processor';
import { eventually, sendRaw, type RawResponse, type TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';

/**
 * Property: whatever a client sends, the API answers a 4xx problem+json and writes no row, or
 * accepts (202) and stores the text exactly as sent, as GET and the S3 object show.
 */

let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;

beforeAll(async () => ({ env, pipeline, stop } = await startPipelineEnv('anyinput')));
afterAll(() => stop());

const fileCount = async () =>
  Number(
    (
      await env.db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

// ---- what clients send --------------------------------------------------------------------

/** Characters that have broken text handling somewhere: surrogates, NUL, BOM, separators, combining marks. */
const awkward = fc.constantFrom(
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u0000',
  '\u0007',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\uffff',
  '\u2028',
  '\u0085',
  '\u00a0',
  ' ',
  '\t',
  '\n',
  '\r',
  '"',
  '\\',
  '%',
  'é',
  'e\u0301',
  '😀',
  '\u{10ffff}',
);
const char = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: awkward, weight: 2 },
);
const text = fc.oneof(
  { arbitrary: fc.string({ unit: char, maxLength: 30 }), weight: 8 },
  { arbitrary: fc.string({ unit: char, minLength: 250, maxLength: 260 }), weight: 1 },
);
const hugeNumber = fc.stringMatching(/^-?[1-9]\d{0,400}(\.\d{1,40})?([eE][+-]?\d{1,7})?$/);

const longDescription = fc.string({ unit: char, minLength: 9_990, maxLength: 10_010 });
const anyValue = fc.jsonValue({ maxDepth: 2 });

/** Mostly the right shape, so that many are accepted and go all the way to S3. */
const fileBody = fc.oneof(
  {
    arbitrary: fc.record(
      { title: text, description: fc.oneof({ arbitrary: text, weight: 8 }, { arbitrary: longDescription, weight: 1 }) },
      { requiredKeys: ['title'] },
    ),
    weight: 6,
  },
  {
    arbitrary: fc.record(
      { title: fc.oneof(text, anyValue), description: fc.oneof(text, anyValue), extra: anyValue },
      { requiredKeys: [] },
    ),
    weight: 1,
  },
);

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** The body's bytes, before any Content-Encoding. */
const bodyBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: fileBody.map((b) => utf8(JSON.stringify(b))), weight: 10 },
  // a valid body with a few bytes overwritten: mostly invalid UTF-8
  {
    arbitrary: fc
      .tuple(
        fileBody,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { minLength: 1, maxLength: 3 }),
      )
      .map(([b, edits]) => {
        const bytes = utf8(JSON.stringify(b));
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        return bytes;
      }),
    weight: 2,
  },
  { arbitrary: fc.json({ maxDepth: 4 }).map(utf8), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom(['[', ']'], ['{"title":', '}']))
      .map(([depth, [open, close]]) => utf8(`${open.repeat(depth)}1${close.repeat(depth)}`)),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(hugeNumber, fc.boolean())
      .map(([n, asTitle]) => utf8(asTitle ? `{"title":${n}}` : `{"title":"t","description":${n}}`)),
    weight: 1,
  },
  { arbitrary: fileBody.map((b) => utf8(`\ufeff${JSON.stringify(b)}`)), weight: 1 },
);

type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';
const encoders: Record<Encoding, (b: Buffer) => Buffer> = {
  identity: (b) => b,
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
};
/** The Content-Encoding header and what the bytes really are (they may not match). */
const encoding = fc.oneof(
  { arbitrary: fc.constant({ header: undefined, real: 'identity' as const }), weight: 8 },
  {
    arbitrary: fc.constantFrom<Encoding>('identity', 'gzip', 'deflate', 'br').map((e) => ({ header: e, real: e })),
    weight: 3,
  },
  {
    // claimed but not applied, or an encoding nobody knows
    arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, br', 'GZIP').map((h) => ({
      header: h,
      real: 'identity' as const,
    })),
    weight: 1,
  },
);

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'Application/JSON',
      'application/json; charset=utf-16',
      'application/json; charset=utf-16le',
      'application/json; charset=latin1',
      'application/json; charset',
      'application/json; charset="utf-8"',
      'application/json;;',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/merge-patch+json',
      'multipart/form-data; boundary=x',
      undefined,
    ),
    weight: 3,
  },
);

const traceId = fc.stringMatching(/^[\da-f]{32}$/);
const traceparent = fc.option(
  fc.oneof(
    fc.tuple(traceId, fc.stringMatching(/^[\da-f]{16}$/)).map(([t, s]) => `00-${t}-${s}-01`),
    fc.tuple(traceId, fc.stringMatching(/^[\da-f]{16}$/)).map(([t, s]) => `00-${t}-${s}-01`.toUpperCase()),
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
  ),
  { nil: undefined },
);

const fileRequest = fc.record({ bytes: bodyBytes, encoding, contentType, traceparent });
type FileRequest = typeof fileRequest extends fc.Arbitrary<infer T> ? T : never;

// ---- what a faithful server must have stored ----------------------------------------------

const storedFile = z.object({ title: z.string(), description: z.string().default('') });

/** The file a strict reader sees in the body `req` encoded; throws if there is none. */
function asSent(req: FileRequest): z.infer<typeof storedFile> {
  // fatal: invalid UTF-8 throws; a leading BOM is dropped, as an encoding mark, not text
  return storedFile.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.bytes)));
}

const accepted = z.object({ id: z.number().int().positive(), status: z.literal('pending') });
const problem = z.object({
  type: z.string().startsWith('urn:fileflow:problem:'),
  title: z.string().min(1),
  status: z.number(),
  detail: z.string().min(1),
});

function expectProblem(res: RawResponse): void {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problem.parse(res.body).status).toBe(res.status);
}

// ---- the properties -----------------------------------------------------------------------

interface Stats {
  cases: number;
  readonly byStatus: Map<number, number>;
}
const posts: Stats = { cases: 0, byStatus: new Map() };
const urls: Stats = { cases: 0, byStatus: new Map() };
const count = (stats: Stats, status: number) => {
  stats.cases++;
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
};
const acceptedFiles: Array<{ id: number; title: string; description: string }> = [];
const started = Date.now();

it('POST /files with any body: a 4xx problem and no row, or a 202 storing the text as sent', async () => {
  await fc.assert(
    fc.asyncProperty(fileRequest, async (req) => {
      const headers: Record<string, string> = {};
      if (req.contentType !== undefined) headers['content-type'] = req.contentType;
      if (req.encoding.header !== undefined) headers['content-encoding'] = req.encoding.header;
      if (req.traceparent !== undefined) headers.traceparent = req.traceparent;
      const before = await fileCount();
      const res = await sendRaw(pipeline.app, {
        path: '/files',
        headers,
        body: encoders[req.encoding.real](req.bytes),
      });
      count(posts, res.status);
      expect(res.status === 202 || (res.status >= 400 && res.status < 500)).toBe(true);
      if (res.status !== 202) {
        expectProblem(res);
        expect(await fileCount()).toBe(before);
        return;
      }
      const sent = asSent(req);
      const { id } = accepted.parse(res.body);
      expect(await fileCount()).toBe(before + 1);
      const got = await sendRaw(pipeline.app, { method: 'GET', path: `/files/${id}` });
      expect(got.body).toMatchObject(sent);
      acceptedFiles.push({ id, ...sent });
    }),
    { numRuns: 400, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: false },
  );
  expect(acceptedFiles.length).toBeGreaterThan(0);

  // Every accepted file reaches S3 with exactly its title and description.
  await eventually(
    async () => {
      const pending = await env.db
        .selectFrom('files')
        .select(['id', 'status'])
        .where('status', '!=', 'completed')
        .execute();
      expect(pending).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  for (const file of acceptedFiles) {
    const got = await sendRaw(pipeline.app, { method: 'GET', path: `/files/${file.id}` });
    expect(got.body).toMatchObject({ title: file.title, description: file.description, status: 'completed' });
    const object = await env.s3.send(
      new GetObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${file.id}.txt` }),
    );
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(
      Buffer.from(renderFile(file.title, file.description), 'utf8'),
    );
  }
});

/** Characters a request line may carry, with percent signs that make bad escapes. */
const urlChar = fc.oneof(
  fc.constantFrom('%', '%E0', '%A4', '%00', '%ff', '%FF%FE', '%2F', '%25', '/', '?', '&', '=', '[', ']', '#', '+'),
  fc.stringMatching(/^[A-Za-z0-9._~!$'()*,;:@-]$/),
  fc.nat({ max: 99_999_999_999 }).map(String),
);
const urlText = fc.string({ unit: urlChar, maxLength: 12 });

it('any path, query and method under /files: never a 5xx, every 4xx a problem', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      urlText,
      fc.array(fc.tuple(fc.constantFrom('limit', 'status', 'before', 'x', ''), urlText), { maxLength: 3 }),
      async (method, segment, query) => {
        const search = query.map(([k, v]) => `${k}=${v}`).join('&');
        const path = `/files/${segment}${search ? `?${search}` : ''}`;
        const res = await sendRaw(pipeline.app, { method, path });
        count(urls, res.status);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 && method !== 'HEAD') expectProblem(res);
      },
    ),
    { numRuns: 300, interruptAfterTimeLimit: 8_000, markInterruptAsFailure: false },
  );
});

afterAll(() => {
  const statuses = (stats: Stats) =>
    [...stats.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
  console.log(
    `any-input property, ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `POST /files ${posts.cases} cases (${statuses(posts)}; ${acceptedFiles.length} read back identical from GET and S3); ` +
      `paths and queries ${urls.cases} cases (${statuses(urls)})`,
  );
});
