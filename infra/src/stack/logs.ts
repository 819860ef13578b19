/** `logs [name] [-f] [-n N]`: list the logs, or print (and follow) one. */
import * as fs from 'fs';
import * as path from 'path';
import { fmtBytes } from '../log';
import { LOGS_DIR, logFile } from '../paths';
import { sleep } from '../process/sleep';
import { pad } from './print-status';

function printTail(file: string, lines: number): number {
  const size = fs.statSync(file).size;
  const start = Math.max(0, size - Math.max(64 * 1024, lines * 400));
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(size - start);
  fs.readSync(fd, buf, 0, buf.length, start);
  fs.closeSync(fd);
  const text = buf.toString('utf8').split('\n');
  if (text[text.length - 1] === '') text.pop();
  process.stdout.write(text.slice(-lines).join('\n') + '\n');
  return size;
}

export async function logs(args: string[]): Promise<void> {
  const follow = args.includes('-f') || args.includes('--follow');
  const nIdx = args.indexOf('-n');
  const lines = nIdx >= 0 ? Number(args[nIdx + 1] ?? '200') : 200;
  const name = args.find((a, i) => !a.startsWith('-') && !(nIdx >= 0 && i === nIdx + 1));
  if (!name) {
    const files = fs.existsSync(LOGS_DIR)
      ? fs
          .readdirSync(LOGS_DIR)
          .filter((f) => f.endsWith('.log'))
          .sort()
      : [];
    if (files.length === 0) console.log(`no logs yet in ${LOGS_DIR}`);
    for (const f of files) {
      const st = fs.statSync(path.join(LOGS_DIR, f));
      console.log(
        `${pad(f.replace(/\.log$/, ''), 18)}${pad(fmtBytes(st.size), 10)}${st.mtime.toISOString()}  ${path.join(LOGS_DIR, f)}`,
      );
    }
    return;
  }
  const file = logFile(name);
  if (!fs.existsSync(file)) throw new Error(`no log ${file} (run \`logs\` to list them)`);
  let pos = printTail(file, lines);
  if (!follow) return;
  for (;;) {
    await sleep(300);
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      continue;
    }
    if (size < pos) pos = 0;
    if (size > pos) {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - pos);
      fs.readSync(fd, buf, 0, buf.length, pos);
      fs.closeSync(fd);
      process.stdout.write(buf);
      pos = size;
    }
  }
}
