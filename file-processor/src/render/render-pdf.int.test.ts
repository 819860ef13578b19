import { execFileSync } from 'node:child_process';
import { consoleReporter, ensureDebianTools, which } from '@fileflow/infra';
import { renderPdf } from './render-pdf';
import { sampleTitle } from './test-inputs';

/**
 * What a PDF reader extracts: pdftotext (Debian's poppler-utils, installed by the test's setup when
 * missing) reads each rendered PDF back. Whitespace is compared collapsed, since pdftotext lays out
 * lines and blocks by position. A right-to-left run comes back in logical order wrapped in U+202B
 * ... U+202C (see docs/formats.md).
 */
let pdftotext: string;

beforeAll(async () => {
  await ensureDebianTools([{ command: 'pdftotext', pkg: 'poppler-utils' }], consoleReporter, 'pdftotext');
  pdftotext = which('pdftotext') ?? '/usr/bin/pdftotext';
}, 900_000);

async function readBack(title: string, description: string): Promise<string> {
  const text = execFileSync(pdftotext, ['-enc', 'UTF-8', '-', '-'], { input: await renderPdf(title, description) });
  return collapse(text.toString('utf8'));
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const embeddings = /[\u202a-\u202e]/g;

it('reads back the mixed-script title and a multi-line description', async () => {
  const description = 'First line: café, naïve, Größe.\nSecond line — Привет, мир; Γειά σου κόσμε.\n\nLast: 🎉📄 ✅';
  expect(await readBack(sampleTitle, description)).toBe(
    // The emoji after the right-to-left words end the line, so pdftotext takes them into the RTL run.
    collapse(`Ünïcødé Привет Γειά \u202b📄🎉 שלום مرحبا\u202c ${description}`),
  );
});

it.each(['שלום עולם', 'مرحبا بالعالم', 'عربي وעברית معا'])(
  'reads back the right-to-left title %j in logical order',
  async (title) => {
    const text = await readBack(title, '');
    expect(text).toBe(`\u202b${title}\u202c`);
    expect(text.replace(embeddings, '')).toBe(title);
  },
);

it('reads back a right-to-left description line by line', async () => {
  const lines = ['שלום עולם', 'مرحبا بالعالم', 'English line'];
  expect((await readBack('T', lines.join('\n'))).replace(embeddings, '')).toBe(collapse(`T ${lines.join(' ')}`));
});

it('reads back the labels of what no font has, and a long word cut across lines', async () => {
  const word = 'x'.repeat(400);
  const text = await readBack('Labels', `ctrl\u0001 c1\u0085 cjk中 pua\ue000 ${word}`);
  expect(text).toMatch(/^Labels ctrl\[U\+0001\] c1\[U\+0085\] cjk\[U\+4E2D\] pua\[U\+E000\] x+( x+)+$/);
  expect(text.replace(/[^x]/g, '')).toBe(word);
});

it('reads back emoji sequences whole', async () => {
  const emoji = '👨‍👩‍👧 🏳️‍🌈 👩🏽‍💻 🇺🇳 1️⃣ ❤️';
  expect(await readBack('Emoji', emoji)).toBe(`Emoji ${emoji}`);
});
