/** `.stack/relay-mode.json`: the relay mode the stack was started in, validated when read. */
import * as path from 'path';
import { z } from 'zod';
import { STACK_DIR } from '../paths';
import { readJsonRecord, writeJsonRecord } from '../process/json-file';
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
  return readJsonRecord(
    file,
    stateSchema,
    undefined,
    (problem) =>
      new RelayModeRefusal(
        `${file} is not a valid relay mode record (${problem}); set it with \`npm run stack -- mode polling|debezium\``,
      ),
  );
}

/** Remember `mode` (written to a temporary file and renamed, so a reader never sees half a record). */
export function writeRelayModeState(mode: RelayMode, now = new Date(), file = RELAY_MODE_FILE): void {
  const state: RelayModeState = { mode, since: now.toISOString() };
  writeJsonRecord(file, state);
}
