import { execFileSync } from 'node:child_process';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import type { FileFormat } from '@fileflow/common';
import { contentTypes, docxParagraphs, renderDocument } from '@fileflow/file-processor';
import { consoleReporter, ensureDebianTools, which } from '@fileflow/infra';
import { eventually, type TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';

/**
 * Each format through the whole pipeline: POST with a non-Latin, right-to-left and emoji title,
 * the file completes, and the object read back from S3 holds that text (pdftotext from Debian's
 * poppler-utils for PDF, the document XML for DOCX), with the format's Content-Type, under the key
 * of its id and format, and `GET /files/:id/content` serves the same bytes.
 */
let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;
let pdftotext: string;

beforeAll(async () => {
  await ensureDebianTools([{ command: 'pdftotext', pkg: 'poppler-utils' }], consoleReporter, 'pdftotext');
  pdftotext = which('pdftotext') ?? '/usr/bin/pdftotext';
  ({ env, pipeline, stop } = await startPipelineEnv('formats'));
}, 900_000);
afterAll(() => stop());

const title = 'Ünïcødé Привет Γειά שלום مرحبا 🎉📄';
const description = 'First line — café.\nשלום עולם\nLast: 🎉 ✅';

async function completed(format: FileFormat): Promise<{ id: number; object: Buffer; contentType?: string }> {
  const id = (await request(pipeline.app).post('/files').send({ title, description, format }).expect(202)).body
    .id as number;
  await eventually(async () =>
    expect((await request(pipeline.app).get(`/files/${id}`)).body).toMatchObject({
      status: 'completed',
      format,
      s3Location: `s3://${env.bucket}/${env.keyPrefix}${id}.${format}`,
    }),
  );
  const res = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${id}.${format}` }));
  return {
    id,
    object: Buffer.from(await res.Body!.transformToByteArray()),
    ...(res.ContentType ? { contentType: res.ContentType } : {}),
  };
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const embeddings = /[\u202a-\u202e]/g;

it('stores a PDF whose text pdftotext reads back', async () => {
  const { id, object, contentType } = await completed('pdf');
  expect(contentType).toBe(contentTypes.pdf);
  expect(object.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = collapse(execFileSync(pdftotext, ['-enc', 'UTF-8', '-', '-'], { input: object }).toString('utf8'));
  // pdftotext gives a right-to-left run in logical order inside U+202B … U+202C, and takes the
  // emoji that end a line after right-to-left words into that run (docs/formats.md).
  expect(text).toBe(
    collapse(`Ünïcødé Привет Γειά \u202b📄🎉 שלום مرحبا\u202c First line — café. \u202bשלום עולם\u202c Last: 🎉 ✅`),
  );
  expect(text.replace(embeddings, '')).toContain('שלום مرحبا');
  expect(object.equals((await renderDocument('pdf', title, description)).body)).toBe(true);
  const served = await request(pipeline.app).get(`/files/${id}/content`).buffer(true).expect(200);
  expect(served.headers['content-type']).toBe('application/pdf');
  expect(Number(served.headers['content-length'])).toBe(object.length);
});

it('stores a DOCX whose document XML holds the title and description exactly', async () => {
  const { object, contentType } = await completed('docx');
  expect(contentType).toBe(contentTypes.docx);
  const [heading, ...body] = docxParagraphs(object);
  expect(heading).toEqual({ text: title, bidi: false });
  expect(body.map((p) => p.text).join('\n')).toBe(description);
  expect(body[1]?.bidi).toBe(true);
  expect(object.equals((await renderDocument('docx', title, description)).body)).toBe(true);
});

it('stores a text file by default, as the design does: a file.create with no format', async () => {
  const id = (await request(pipeline.app).post('/files').send({ title, description }).expect(202)).body.id as number;
  await eventually(async () =>
    expect((await request(pipeline.app).get(`/files/${id}`)).body).toMatchObject({
      status: 'completed',
      format: 'txt',
    }),
  );
  const res = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${env.keyPrefix}${id}.txt` }));
  expect(await res.Body!.transformToString('utf-8')).toBe(
    `${title}\n${'='.repeat([...title].length)}\n\n${description}\n`,
  );
});
