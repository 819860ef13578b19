/** Small JSON records the launcher keeps in `.stack/` (the relay's mode, the scale). */
import * as fs from 'fs';
import * as path from 'path';
import type { z } from 'zod';
import { ensureDir } from '../paths';
import { errCode } from './errno';

/**
 * The record in `file` as `schema` reads it; `missing` when there is no file. A damaged file is
 * refused (`refuse` gets what is wrong with it), never guessed.
 */
export function readJsonRecord<S extends z.ZodType, M>(
  file: string,
  schema: S,
  missing: M,
  refuse: (problem: string) => Error,
): z.infer<S> | M {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return missing;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw refuse(parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** Write `record` to `file` through a temporary file and a rename, so a reader never sees half of it. */
export function writeJsonRecord(file: string, record: unknown): void {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
