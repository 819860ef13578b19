/** Configuration is invalid: every problem is listed so start-up fails once, clearly. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * What kind of error `err` is, for an answer that may not carry internal detail (addresses,
 * queries): its protocol error type (KafkaJS's `type`, e.g. `MESSAGE_TOO_LARGE`), else its code
 * (`ECONNREFUSED`), else its name. Never its message.
 */
export function errorKind(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; code?: unknown; name?: unknown };
  for (const c of [e.type, e.code, e.name]) {
    if (typeof c === 'string' && /^[A-Za-z][\w.-]{0,63}$/.test(c) && c !== 'Error') return c;
  }
  return 'unknown error';
}
