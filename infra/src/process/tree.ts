/** A process tree from /proc (descendants and process-group members), and signalling all of it. */
import * as fs from 'fs';
import { procStat, type ProcStat } from './liveness';

function listPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The process, its descendants (by parent pid) and its process-group members. Postgres backends
 * call setsid(), so the process group alone does not cover them.
 */
export function processTree(pid: number): number[] {
  const stats = new Map<number, ProcStat>();
  for (const p of listPids()) {
    const st = procStat(p);
    if (st && st.state !== 'Z') stats.set(p, st);
  }
  const tree = new Set<number>([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, st] of stats) {
      if (!tree.has(p) && (tree.has(st.ppid) || st.pgrp === pid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Signal the whole tree (see processTree); returns how many processes were signalled. */
export function signalTree(pid: number, signal: NodeJS.Signals): number {
  let n = 0;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, signal);
      n++;
    } catch {
      /* already gone */
    }
  }
  return n;
}
