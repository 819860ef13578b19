import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { docxParagraphs as paragraphs } from './read-docx';
import { renderDocx } from './render-docx';
import { awkwardDescriptions, awkwardText, awkwardTitles, sampleTitle } from './test-inputs';

/** Title, then the description's lines, as read back. */
async function readBack(title: string, description: string) {
  const [heading, ...body] = paragraphs(await renderDocx(title, description));
  return { title: heading?.text, description: body.map((p) => p.text).join('\n') };
}

it('holds the title and each line of the description exactly', async () => {
  const description = 'First line: café <&> "quotes"\n\tTabbed\u00a0line\n\nשלום עולם\n👨‍👩‍👧 \u0085 \ufdd0 中文';
  expect(await readBack(sampleTitle, description)).toEqual({ title: sampleTitle, description });
});

it('has the title as a Heading 1 paragraph and no description paragraph when there is none', async () => {
  const xml = strFromU8(unzipSync(await renderDocx('T', ''))['word/document.xml']!);
  expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
  expect(paragraphs(await renderDocx('T', ''))).toEqual([{ text: 'T', bidi: false }]);
});

it('labels the characters XML 1.0 cannot hold, and only those', async () => {
  const kept = '\t\u007f\u0080\u0085\u009f\ufffd\ufdd0\u{1fffe}';
  const description = `a\u0001\u0008\u000b\u000c\u000e\u001f\ufffe\uffff${kept}`;
  expect((await readBack('T', description)).description).toBe(
    `a[U+0001][U+0008][U+000B][U+000C][U+000E][U+001F][U+FFFE][U+FFFF]${kept}`,
  );
});

it('makes each line terminator (CR LF, CR, LF) a paragraph, and a line break in the title', async () => {
  expect(await readBack('a\r\nb', 'x\r\ny\rz\n\nw')).toEqual({ title: 'a\nb', description: 'x\ny\nz\n\nw' });
});

it('marks right-to-left paragraphs (first strong character Hebrew or Arabic)', async () => {
  const ps = paragraphs(await renderDocx('שלום עולם', 'English first שלום\n123 مرحبا\n(עברית) English'));
  expect(ps.map((p) => p.bidi)).toEqual([true, false, true, true]);
});

it('dates the package and its zip entries 2000-01-01 and lists [Content_Types].xml first, then by name', async () => {
  const docx = await renderDocx('T', 'd');
  const core = strFromU8(unzipSync(docx)['docProps/core.xml']!);
  expect(core.match(/<dcterms:(created|modified)[^>]*>[^<]*/g)).toEqual([
    '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z',
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z',
  ]);
  const names: string[] = [];
  unzipSync(docx, { filter: (f) => (names.push(f.name), false) });
  expect(names[0]).toBe('[Content_Types].xml');
  expect(names.slice(1)).toEqual([...names.slice(1)].sort());
  // Local file headers: DOS time 0 (00:00:00) and date ((2000 - 1980) << 9 | 1 << 5 | 1).
  const dosDate = ((2000 - 1980) << 9) | (1 << 5) | 1;
  for (let at = docx.indexOf('PK\u0003\u0004'); at >= 0; at = docx.indexOf('PK\u0003\u0004', at + 4)) {
    expect([docx.readUInt16LE(at + 10), docx.readUInt16LE(at + 12)]).toEqual([0, dosDate]);
  }
});

it.each([...awkwardTitles.map((t) => [t, 'd']), ...awkwardDescriptions.map((d) => ['T', d])])(
  'holds any title and description (%j, ...) as the read-back shows them',
  async (title, description) => {
    expect(await readBack(title, description)).toEqual(expected(title, description));
  },
);

it('holds any title and description the API accepts', async () => {
  await fc.assert(
    fc.asyncProperty(awkwardText(1, 255), awkwardText(0, 2_000), async (title, description) => {
      expect(await readBack(title, description)).toEqual(expected(title, description));
    }),
    { numRuns: 40 },
  );
});

/** What the read-back gives: line terminators as LF, the characters XML cannot hold as labels. */
function expected(title: string, description: string) {
  const norm = (s: string) =>
    s
      .replace(/\r\n|\r/g, '\n')
      .replace(
        /[\u0001-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu,
        (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`,
      );
  return { title: norm(title), description: norm(description) };
}
