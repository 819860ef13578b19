import bidiFactory from 'bidi-js';

/** The Unicode Bidirectional Algorithm (bidi-js), shared by the PDF layout and the DOCX paragraph marks. */
export const bidi = bidiFactory();

/**
 * Whether a paragraph reads right to left: its first strong character (rules P2 and P3 of the
 * algorithm: letters, skipping numbers, punctuation and what isolates enclose) is right-to-left.
 */
export function isRtlParagraph(text: string): boolean {
  return (bidi.getEmbeddingLevels(text, 'auto').paragraphs[0]?.level ?? 0) % 2 === 1;
}
