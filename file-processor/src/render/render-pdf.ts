import PDFDocument from 'pdfkit';
import { documentDate } from './document-date';
import { layoutText, loadFont, type FontId, type TextStyle } from './fonts';
import { bidiParagraph, breakLines } from './pdf-lines';
import { clustersOf, type Cluster } from './pdf-text';
import { splitLines } from './substitution';

/** A4 portrait, in points, with 2 cm margins. */
const page = { width: 595.28, height: 841.89, margin: 56.69 };
const textWidth = page.width - 2 * page.margin;
/** Font size, distance between baselines, and the space after the block, in points. */
const styles: Record<TextStyle, { size: number; leading: number; after: number }> = {
  title: { size: 20, leading: 26, after: 14 },
  body: { size: 11, leading: 15, after: 0 },
};
const fontIds: readonly FontId[] = ['sans', 'sansBold', 'emoji'];
/** Without `font: null` (which its types do not allow) pdfkit adds Helvetica, a font the PDF would not embed. */
const noDefaultFont = { font: null } as unknown as PDFKit.PDFDocumentOptions;

/**
 * The PDF of a file: the title as a heading, then the description, each line of the input a
 * paragraph, wrapped to the page width and continued on new pages. Pure: no clock, no randomness
 * (fixed CreationDate, so a fixed document ID; pdfkit names font subsets after their order of use).
 */
export async function renderPdf(title: string, description: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: page.margin,
    compress: true,
    info: { Title: title, Creator: 'fileflow', CreationDate: documentDate },
    ...noDefaultFont,
  });
  for (const id of fontIds) doc.registerFont(id, loadFont(id).data);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const cursor = { top: page.margin };
  writeBlock(doc, cursor, title, 'title');
  if (description.length > 0) writeBlock(doc, cursor, description, 'body');
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function writeBlock(doc: PDFKit.PDFDocument, cursor: { top: number }, text: string, style: TextStyle): void {
  const { size, leading, after } = styles[style];
  // Clusters repeat (letters, spaces): each distinct one is laid out once per block.
  const layouts = new Map<string, ReturnType<typeof layoutText>>();
  const layoutOf = (c: Cluster) => {
    const key = `${c.font}\u0000${c.text}`;
    let laid = layouts.get(key);
    if (!laid) layouts.set(key, (laid = layoutText(loadFont(c.font), c.text, size)));
    return laid;
  };
  for (const paragraph of splitLines(text)) {
    const clusters = clustersOf(paragraph, style);
    const laid = clusters.map((c) => ({ ...c, ...layoutOf(c) }));
    const bidi = bidiParagraph(clusters.map((c) => c.text));
    const lines = breakLines(
      laid.map((c) => c.width),
      laid.map((c) => c.breakAfter),
      textWidth,
    );
    for (const line of lines) {
      if (cursor.top + leading > page.height - page.margin) {
        doc.addPage();
        cursor.top = page.margin;
      }
      drawLine(doc, cursor.top + size, visualRuns(laid, bidi.visualOrder(line)), style, bidi.rtl);
      cursor.top += leading;
    }
  }
  cursor.top += after;
}

/**
 * Clusters next to each other on the line (visual order) in the same font, at the same bidi level
 * and of the same script (a cluster of no script joins its neighbour): fontkit shapes a run as the
 * script of its first letter, so Hebrew and Arabic side by side are two runs.
 */
interface Run {
  readonly font: FontId;
  readonly level: number;
  script: string;
  readonly texts: string[];
}

const noScript = 'zzzz';

function visualRuns(clusters: readonly (Cluster & { script: string })[], order: { index: number; level: number }[]) {
  const runs: Run[] = [];
  for (const { index, level } of order) {
    const c = clusters[index]!;
    const last = runs[runs.length - 1];
    const sameScript = last && (c.script === noScript || last.script === noScript || c.script === last.script);
    if (last && sameScript && last.font === c.font && last.level === level) {
      last.texts.push(c.text);
      if (last.script === noScript) last.script = c.script;
    } else runs.push({ font: c.font, level, script: c.script, texts: [c.text] });
  }
  return runs;
}

/**
 * Draw one line's runs left to right from the left margin (right-aligned when the paragraph is
 * right-to-left). Each run is handed to pdfkit so that the glyphs come out in visual order: fontkit
 * reverses a run of a right-to-left script itself, so such a run is given in logical order (which
 * also lets it shape Arabic), any other run in visual order.
 */
function drawLine(doc: PDFKit.PDFDocument, baseline: number, runs: readonly Run[], style: TextStyle, rtl: boolean) {
  const { size } = styles[style];
  const laid = runs.map((run) => {
    const font = loadFont(run.font);
    const visual = run.texts.join('');
    const asIs = layoutText(font, visual, size);
    if (!asIs.rtl) return { font: run.font, text: visual, width: asIs.width };
    const logical = [...run.texts].reverse().join('');
    return { font: run.font, text: logical, width: layoutText(font, logical, size).width };
  });
  const lineWidth = laid.reduce((sum, r) => sum + r.width, 0);
  let x = rtl ? page.width - page.margin - lineWidth : page.margin;
  for (const r of laid) {
    doc
      .font(r.font)
      .fontSize(size)
      .text(r.text, x, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] });
    x += r.width;
  }
}
