/** Which mode the running outbox-relay process was started in, and what the caller asks for. */
import * as fs from 'fs';
import { RELAY_MODES, type RelayMode } from './decide';
import { RelayModeRefusal } from './refusal';

const isRelayMode = (v: string): v is RelayMode => (RELAY_MODES as readonly string[]).includes(v);

/**
 * RELAY_MODE from the environment the process was started with (`/proc/<pid>/environ`); the relay
 * runs `polling` without one. The launcher sets it for every relay it starts.
 */
export function modeOfProcess(pid: number): RelayMode {
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const value = environ.find((e) => e.startsWith('RELAY_MODE='))?.slice('RELAY_MODE='.length);
  return value !== undefined && isRelayMode(value) ? value : 'polling';
}

/** RELAY_MODE of the caller: unset or empty means "no preference"; anything else must be a mode. */
export function requestedMode(env: NodeJS.ProcessEnv = process.env): RelayMode | undefined {
  const value = env.RELAY_MODE;
  if (value === undefined || value === '') return undefined;
  if (isRelayMode(value)) return value;
  throw new RelayModeRefusal(`RELAY_MODE=${value} is not a relay mode (use ${RELAY_MODES.join(' or ')})`);
}

export function parseMode(arg: string | undefined): RelayMode {
  if (arg !== undefined && isRelayMode(arg)) return arg;
  throw new RelayModeRefusal(`mode: expected ${RELAY_MODES.join(' or ')}, got ${arg ?? 'nothing'}`);
}
