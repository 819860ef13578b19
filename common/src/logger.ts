/** Structured logs, one JSON object a line on stdout; small on purpose (no dependency). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

/** A logger writing JSON lines at or above `level` through `write` (stdout by default). */
export function createLogger(
  name: string,
  level: LogLevel = 'info',
  base: Fields = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields: Fields = {}) => {
    if (rank[lvl] < rank[level]) return;
    const entry: Fields = { time: new Date().toISOString(), level: lvl, name, msg, ...base };
    for (const [k, v] of Object.entries(fields)) entry[k] = serialise(v);
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(name, level, { ...base, ...fields }, write),
  };
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = createLogger('silent', 'silent');
