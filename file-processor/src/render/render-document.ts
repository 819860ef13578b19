import type { FileFormat } from '@fileflow/common';
import { renderFile } from '../render-file';
import { renderDocx } from './render-docx';
import { renderPdf } from './render-pdf';

export type { FileFormat } from '@fileflow/common';

export interface RenderedFile {
  readonly body: Buffer;
  readonly contentType: string;
}

export const contentTypes: Record<FileFormat, string> = {
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const renderers: Record<FileFormat, (title: string, description: string) => Promise<Buffer>> = {
  txt: (title, description) => Promise.resolve(Buffer.from(renderFile(title, description), 'utf8')),
  pdf: renderPdf,
  docx: renderDocx,
};

/**
 * The file of a request in the given format. Deterministic: the same (format, title, description)
 * always gives the same bytes, on any day, in any process (docs/formats.md says how).
 */
export async function renderDocument(format: FileFormat, title: string, description: string): Promise<RenderedFile> {
  return { body: await renderers[format](title, description), contentType: contentTypes[format] };
}
