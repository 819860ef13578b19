/** `.stack/relay-mode.json`: the relay mode the stack was started in, validated when read. */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { STACK_DIR, ensureDir } from '../paths';
import { errCode } from '../process/errno';
import { RELAY_MODES, type RelayMode } from './decide';
import { RelayModeRefusal } from './refusal';

export const RELAY_MODE_FILE = path.join(STACK_DIR, 'relay-mode.json');

const stateSchema = z.object({
  mode: z.enum(RELAY_MODES),
  /** When this mode was chosen (ISO 8601). */
  since: z.iso.datetime(),
});
export type RelayModeState = z.infer<typeof stateSchema>;

/** The remembered mode; undefined on a stack that never started a relay. A damaged file is refused, not guessed. */
export function readRelayModeState(file = RELAY_MODE_FILE): RelayModeState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw new RelayModeRefusal(
      `${file} is not a valid relay mode record (${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}); set it with \`npm run stack -- mode polling|debezium\``,
    );
  }
  return parsed.data;
}

/** Remember `mode` (written to a temporary file and renamed, so a reader never sees half a record). */
export function writeRelayModeState(mode: RelayMode, now = new Date(), file = RELAY_MODE_FILE): void {
  ensureDir(path.dirname(file));
  const state: RelayModeState = { mode, since: now.toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
