import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { STACK_DIR, ensureDir } from './paths';

/**
 * The local stack's API key pepper: made once (48 random bytes), kept in `.stack/api-key-pepper`
 * (mode 600, git-ignored) and handed to the API and to `npm run keys` as API_KEY_PEPPER_FILE. A
 * deployment gives its own (API_KEY_PEPPER or API_KEY_PEPPER_FILE); losing it invalidates every key.
 */
export const PEPPER_FILE = path.join(STACK_DIR, 'api-key-pepper');

export function ensurePepperFile(): string {
  if (!fs.existsSync(PEPPER_FILE)) {
    ensureDir(STACK_DIR);
    fs.writeFileSync(PEPPER_FILE, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return PEPPER_FILE;
}
