/** A re-entrant cross-process lock around stack operations (.stack/launcher.lock holds the owner's pid). */
import * as fs from 'fs';
import * as path from 'path';
import { STACK_DIR, ensureDir } from '../paths';
import { errCode } from './errno';
import { isAlive } from './liveness';
import { sleep } from './sleep';

const LOCK_FILE = path.join(STACK_DIR, 'launcher.lock');
let lockDepth = 0;

export async function withStackLock<T>(fn: () => Promise<T>, onWait?: (holder: number) => void): Promise<T> {
  if (lockDepth > 0) {
    lockDepth++;
    try {
      return await fn();
    } finally {
      lockDepth--;
    }
  }
  ensureDir(STACK_DIR);
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (errCode(err) !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(LOCK_FILE, 'utf8').trim());
      if (!Number.isFinite(holder) || holder <= 0 || holder === process.pid || !isAlive(holder)) {
        fs.rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (!told) onWait?.(holder);
      told = true;
      if (Date.now() > deadline) throw new Error(`stack lock ${LOCK_FILE} held by pid ${holder} for too long`);
      await sleep(250);
    }
  }
  lockDepth = 1;
  try {
    return await fn();
  } finally {
    lockDepth = 0;
    fs.rmSync(LOCK_FILE, { force: true });
  }
}
