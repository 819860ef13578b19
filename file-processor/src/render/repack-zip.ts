import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { zipEntryDate } from './document-date';

/**
 * Rewrite a zip so that its bytes depend on its contents only: every entry dated `zipEntryDate`,
 * `[Content_Types].xml` first (where OOXML readers look for it) and the rest in name order, all
 * deflated at one level. `rewrite` maps an entry's name to a function of its text.
 */
export function repackZip(zip: Uint8Array, rewrite: Record<string, (text: string) => string> = {}): Buffer {
  const entries = unzipSync(zip);
  const names = Object.keys(entries).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Zippable = {};
  for (const name of names) {
    const edit = rewrite[name];
    const data = entries[name]!;
    out[name] = [edit ? strToU8(edit(strFromU8(data))) : data, { mtime: zipEntryDate, level: 6 }];
  }
  return Buffer.from(zipSync(out));
}

function rank(name: string): number {
  return name === '[Content_Types].xml' ? 0 : 1;
}
