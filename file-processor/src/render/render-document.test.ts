import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renderFile } from '../render-file';
import { contentTypes, renderDocument, type FileFormat } from './render-document';
import { awkwardDescriptions, sampleTitle } from './test-inputs';

const formats: FileFormat[] = ['txt', 'pdf', 'docx'];
const description = `Line one\nשלום עולם\n${awkwardDescriptions[8]!.slice(0, 3_000)}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

afterEach(() => jest.useRealTimers());

it('gives the bytes of the text renderer for txt', async () => {
  expect(await renderDocument('txt', sampleTitle, description)).toEqual({
    body: Buffer.from(renderFile(sampleTitle, description), 'utf8'),
    contentType: 'text/plain; charset=utf-8',
  });
});

it.each(formats)('labels %s with its content type', async (format) => {
  expect((await renderDocument(format, 'T', 'd')).contentType).toBe(contentTypes[format]);
  expect(contentTypes).toEqual({
    txt: 'text/plain; charset=utf-8',
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  });
});

it.each(formats)('gives the same %s bytes each time, on any day', async (format) => {
  const first = await renderDocument(format, sampleTitle, description);
  expect((await renderDocument(format, sampleTitle, description)).body.equals(first.body)).toBe(true);
  // Only the clock is faked: the streams still need the real timers and ticks.
  jest.useFakeTimers({
    now: new Date('2041-07-15T23:59:58.999Z'),
    doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'],
  });
  expect(new Date().getUTCFullYear()).toBe(2041);
  expect((await renderDocument(format, sampleTitle, description)).body.equals(first.body)).toBe(true);
});

it('gives the same bytes in another process, in another time zone', async () => {
  const script = `
    const { renderDocument } = require('./render-document');
    const { createHash } = require('node:crypto');
    (async () => {
      const out = {};
      for (const f of ['txt', 'pdf', 'docx']) {
        const r = await renderDocument(f, process.env.TITLE, process.env.DESCRIPTION);
        out[f] = createHash('sha256').update(r.body).digest('hex');
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const stdout = execFileSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], {
    cwd: __dirname,
    env: { ...process.env, TZ: 'Pacific/Kiritimati', TITLE: sampleTitle, DESCRIPTION: description },
    encoding: 'utf8',
  });
  const here: Record<string, string> = {};
  for (const f of formats) here[f] = sha256((await renderDocument(f, sampleTitle, description)).body);
  expect(JSON.parse(stdout)).toEqual(here);
}, 60_000);
