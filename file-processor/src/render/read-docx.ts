import { strFromU8, unzipSync } from 'fflate';

/**
 * The text of each paragraph of a DOCX file's `word/document.xml`, as a reader sees it: its `w:t`
 * texts, a `w:tab` a tab, a `w:br` a line feed; and whether it is a right-to-left paragraph. For
 * reading back what `renderDocx` wrote.
 */
export function docxParagraphs(docx: Uint8Array): { text: string; bidi: boolean }[] {
  const xml = strFromU8(unzipSync(docx)['word/document.xml'] ?? new Uint8Array());
  return [...xml.matchAll(/<w:p>(.*?)<\/w:p>/gs)].map(([, p = '']) => ({
    bidi: p.includes('<w:bidi/>'),
    text: [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>/g)]
      .map(([tag, t]) => (tag === '<w:tab/>' ? '\t' : tag === '<w:br/>' ? '\n' : unescapeXml(t ?? '')))
      .join(''),
  }));
}

function unescapeXml(s: string): string {
  return s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}
