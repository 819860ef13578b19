import { fileFormats, type FileFormat, type FileStatus } from '@fileflow/common';
import { objectKeyFor } from '@fileflow/file-processor';

const keyPattern = new RegExp(`^(\\d{1,10})\\.(${fileFormats.join('|')})$`);

/**
 * The keys under `keyPrefix` that no file owns: a file owns the key of its id and format
 * (`objectKeyFor`) until it is expired. Anything else (another name, an unknown id, another
 * format, an expired file's object) is an orphan. Pure.
 */
export function orphanObjects(
  files: readonly { readonly id: number; readonly format: FileFormat; readonly status: FileStatus }[],
  keys: Iterable<string>,
  keyPrefix: string,
): string[] {
  const owned = new Set(
    files.filter((f) => f.status !== 'expired').map((f) => objectKeyFor(keyPrefix, f.id, f.format)),
  );
  const orphans: string[] = [];
  for (const key of keys) {
    const m = key.startsWith(keyPrefix) ? keyPattern.exec(key.slice(keyPrefix.length)) : null;
    if (!m || !owned.has(key)) orphans.push(key);
  }
  return orphans;
}
