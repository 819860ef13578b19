import fc from 'fast-check';
import { renderPdf } from './render-pdf';
import { awkwardDescriptions, awkwardText, awkwardTitles, sampleTitle } from './test-inputs';

const pageCount = (pdf: Buffer) => Number(/\/Type \/Pages\n\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);

function expectPdf(pdf: Buffer): void {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
}

it('is a PDF of one page for a short file, embedding subsets of the fonts it uses and no other font', async () => {
  const pdf = await renderPdf(sampleTitle, 'A description.');
  expectPdf(pdf);
  expect(pageCount(pdf)).toBe(1);
  const text = pdf.toString('latin1');
  expect(text.match(/\/FontName \/[A-Z]{6}\+[\w-]+/g)?.sort()).toEqual([
    '/FontName /BZZZZZ+DejaVuSans-Bold',
    '/FontName /CZZZZZ+NotoEmoji-Regular',
    '/FontName /DZZZZZ+DejaVuSans',
  ]);
  expect(text).not.toContain('/BaseFont /Helvetica');
});

it('continues a long description on more pages', async () => {
  const words = 'lorem ipsum dolor sit amet '.repeat(370);
  expect(pageCount(await renderPdf('Long', words.slice(0, 2_000)))).toBe(1);
  expect(pageCount(await renderPdf('Long', words.slice(0, 10_000)))).toBeGreaterThan(2);
  // 10,000 empty lines: one line each.
  expect(pageCount(await renderPdf('Lines', '\n'.repeat(9_999)))).toBeGreaterThan(200);
});

it.each(awkwardTitles.map((t) => [t]))('renders the title %j', async (title) => {
  expectPdf(await renderPdf(title, 'description'));
});

it.each(awkwardDescriptions.map((d) => [d.slice(0, 40), d]))(
  'renders the description %j... (10,000 characters at most)',
  async (_, description) => {
    expectPdf(await renderPdf('Title', description));
  },
);

it('renders any title and description the API accepts without throwing', async () => {
  await fc.assert(
    fc.asyncProperty(awkwardText(1, 255), awkwardText(0, 1_000), async (title, description) => {
      expectPdf(await renderPdf(title, description));
    }),
    { numRuns: 40 },
  );
});

it('renders random descriptions of close to 10,000 characters without throwing', async () => {
  await fc.assert(
    fc.asyncProperty(awkwardText(1, 255), awkwardText(9_000, 10_000), async (title, description) => {
      expectPdf(await renderPdf(title, description));
    }),
    { numRuns: 5 },
  );
});
