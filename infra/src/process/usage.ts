/** Resource usage for status: RSS of a process tree, disk usage of a data dir. */
import * as fs from 'fs';
import * as path from 'path';
import { processTree } from './tree';

function vmRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS of the process tree (e.g. the postmaster and all Postgres backends). */
export function rssBytes(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + vmRssBytes(p), 0);
}

export function dirSizeBytes(dir: string): number {
  let total = 0;
  const walk = (p: string): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(p);
      } catch {
        return;
      }
      for (const e of entries) walk(path.join(p, e));
    } else {
      total += st.blocks !== undefined ? st.blocks * 512 : st.size;
    }
  };
  walk(dir);
  return total;
}
