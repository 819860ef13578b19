import type { FileFormat } from '@fileflow/common';

/**
 * The text file for a request: the title, underlined, then the description.
 * Pure and deterministic, so a redelivered request writes the very same bytes.
 */
export function renderFile(title: string, description: string): string {
  return `${title}\n${'='.repeat(Math.max(3, [...title].length))}\n\n${description}\n`;
}

/**
 * The object key of a file: derived from the file id and its format only (never from user text),
 * so it is always a safe key and a redelivery overwrites the same object instead of adding another.
 */
export function objectKeyFor(prefix: string, fileId: number, format: FileFormat = 'txt'): string {
  return `${prefix}${fileId}.${format}`;
}
