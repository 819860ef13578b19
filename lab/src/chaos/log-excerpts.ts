import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** At most this much of a log's end is read (Kafka Connect's log grows to tens of MB in a suite). */
const TAIL_BYTES = 4 * 1024 * 1024;

function readTail(file: string): string {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface LogLine {
  readonly at: number;
  readonly level: string;
  readonly text: string;
}

/** `[2026-11-25 03:46:31,670] ERROR text` (log4j, the JVM's local time) or one JSON object per line. */
export function parseLogLine(line: string): LogLine | undefined {
  const log4j = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})\] (\w+) (.*)$/.exec(line);
  if (log4j) {
    const [, day, time, ms, level, text] = log4j;
    return { at: new Date(`${day}T${time}.${ms}`).getTime(), level: level!.toLowerCase(), text: text! };
  }
  if (!line.startsWith('{')) return undefined;
  try {
    const o = JSON.parse(line) as { time?: string; level?: string; msg?: string; err?: unknown; error?: unknown };
    if (!o.time || !o.level || !o.msg) return undefined;
    const detail = o.err ?? o.error;
    const text =
      detail === undefined ? o.msg : `${o.msg}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
    return { at: Date.parse(o.time), level: o.level, text };
  } catch {
    return undefined;
  }
}

/**
 * The distinct warnings and errors a log got since `sinceMs`, most frequent first, as
 * `N x text` (shortened): what a failed scenario's report shows, since CI keeps no log files.
 */
export function logProblems(
  file: string,
  sinceMs: number,
  {
    levels = ['error', 'warn'],
    max = 8,
    width = 240,
    ignore,
  }: { levels?: string[]; max?: number; width?: number; ignore?: RegExp } = {},
): string[] {
  const seen = new Map<string, { text: string; n: number }>();
  for (const raw of readTail(file).split('\n')) {
    const line = parseLogLine(raw);
    if (!line || line.at < sinceMs || !levels.includes(line.level) || ignore?.test(line.text)) continue;
    // Ids and numbers vary between otherwise equal lines; count those as one.
    const key = line.text.replace(/\d+/g, '#').slice(0, width);
    const entry = seen.get(key);
    if (entry) entry.n++;
    else seen.set(key, { text: line.text.slice(0, width), n: 1 });
  }
  return [...seen.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, max)
    .map(({ text, n }) => `${n} x ${text}`);
}

/**
 * The last `max` lines since `sinceMs` whose text matches `match`, whatever their level, as
 * `HH:MM:SS.mmm LEVEL text` (shortened): the trail of what a component was doing when it stalled.
 */
export function logTrail(
  file: string,
  sinceMs: number,
  { match, max = 12, width = 200 }: { match: RegExp; max?: number; width?: number },
): string[] {
  const lines: string[] = [];
  for (const raw of readTail(file).split('\n')) {
    const line = parseLogLine(raw);
    if (!line || line.at < sinceMs || !match.test(line.text)) continue;
    const at = new Date(line.at);
    const clock = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    lines.push(
      `${clock}.${String(at.getMilliseconds()).padStart(3, '0')} ${line.level.toUpperCase()} ${line.text.slice(0, width)}`,
    );
  }
  return lines.slice(-max);
}
