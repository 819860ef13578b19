/** One changed key of a connector config. */
export interface ConfigChange {
  readonly key: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

const secret = /password|secret/i;

/** What changes from `current` to `desired` (Connect adds `name`; it is not a change). */
export function diffConfig(
  current: Record<string, string> | undefined,
  desired: Record<string, string>,
): ConfigChange[] {
  const keys = new Set([...Object.keys(current ?? {}), ...Object.keys(desired)]);
  keys.delete('name');
  const changes: ConfigChange[] = [];
  for (const key of [...keys].sort()) {
    const from = current?.[key];
    const to = desired[key];
    if (from !== to) changes.push({ key, from, to });
  }
  return changes;
}

/** A readable diff, secrets masked: `+ key = value`, `- key = value`, `~ key: a -> b`. */
export function formatDiff(changes: readonly ConfigChange[]): string {
  const show = (key: string, v: string | undefined) => (v !== undefined && secret.test(key) ? '***' : v);
  return changes
    .map((c) =>
      c.from === undefined
        ? `+ ${c.key} = ${show(c.key, c.to)}`
        : c.to === undefined
          ? `- ${c.key} = ${show(c.key, c.from)}`
          : `~ ${c.key}: ${show(c.key, c.from)} -> ${show(c.key, c.to)}`,
    )
    .join('\n');
}
