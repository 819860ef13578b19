import { Document, HeadingLevel, Packer, Paragraph, Tab, TextRun, type ParagraphChild } from 'docx';
import { isRtlParagraph } from './bidi';
import { documentDate } from './document-date';
import { repackZip } from './repack-zip';
import { labelMatches, splitLines } from './substitution';

/**
 * Characters XML 1.0 cannot hold (C0 controls other than tab, LF and CR; U+FFFE and U+FFFF), and,
 * never accepted by the API but never allowed to break a document either, NUL and lone surrogates.
 * Each becomes its `[U+XXXX]` label.
 */
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu;

/**
 * The DOCX of a file: the title as a Heading 1 paragraph (its lines separated by line breaks), then
 * one paragraph per line of the description. The text is kept as given (a tab as a tab element)
 * except for the characters XML cannot hold. A paragraph whose first strong character is
 * right-to-left (see `isRtlParagraph`) is marked right-to-left (w:bidi), as the PDF aligns it.
 *
 * Pure: the `docx` package stamps the current time into docProps/core.xml and the zip, so the
 * package is rewritten with `documentDate` and a fixed entry order (see `repackZip`).
 */
export async function renderDocx(title: string, description: string): Promise<Buffer> {
  const titleLines = splitLines(title).map(xmlText);
  const heading = new Paragraph({
    heading: HeadingLevel.HEADING_1,
    ...direction(titleLines[0] ?? ''),
    children: titleLines.flatMap((line, i) => (i === 0 ? runs(line) : [new TextRun({ break: 1 }), ...runs(line)])),
  });
  const body = description.length === 0 ? [] : splitLines(description).map(xmlText);
  const doc = new Document({
    title: xmlText(title),
    creator: 'fileflow',
    lastModifiedBy: 'fileflow',
    sections: [
      {
        children: [heading, ...body.map((line) => new Paragraph({ ...direction(line), children: runs(line) }))],
      },
    ],
  });
  return repackZip(await Packer.toBuffer(doc), { 'docProps/core.xml': fixCoreDates });
}

function xmlText(text: string): string {
  return labelMatches(text, notXml);
}

function direction(line: string): { bidirectional?: true } {
  return isRtlParagraph(line) ? { bidirectional: true } : {};
}

/** The run of one line: its text, each tab a tab element (an empty line is one empty text). */
function runs(line: string): ParagraphChild[] {
  const parts = line.split('\t').flatMap((part, i) => (i === 0 ? [part] : [new Tab(), part]));
  const children = parts.filter((p) => p !== '');
  return [new TextRun({ children: children.length > 0 ? children : [''] })];
}

const coreDate = /(<dcterms:(created|modified)[^>]*>)[^<]*(<\/dcterms:\2>)/g;

function fixCoreDates(xml: string): string {
  return xml.replace(coreDate, `$1${documentDate.toISOString().replace('.000Z', 'Z')}$3`);
}
