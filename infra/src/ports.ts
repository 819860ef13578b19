/** Port probes, and who listens on a port (from /proc/net/tcp*), to report foreign listeners. */
import * as fs from 'fs';
import * as net from 'net';
import { HOST } from './config';
import { cmdline } from './process/liveness';

export function isPortOpen(port: number, host = HOST, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue; // 0A = LISTEN
      const portHex = local.split(':').pop() ?? '';
      if (parseInt(portHex, 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

export interface Listener {
  pid: number;
  command: string;
}

/** Processes listening on the TCP port (needs /proc; as non-root only our own processes show). */
export function findListeners(port: number): Listener[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const found: Listener[] = [];
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const p of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = fs.readlinkSync(`/proc/${p}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m?.[1] && inodes.has(m[1])) {
        found.push({ pid: Number(p), command: cmdline(Number(p)) ?? '?' });
        break;
      }
    }
  }
  return found;
}

export function describeListeners(port: number): string {
  const ls = findListeners(port);
  if (ls.length === 0) return 'an unknown process';
  return ls.map((l) => `pid ${l.pid} (${l.command.slice(0, 120)})`).join(', ');
}
