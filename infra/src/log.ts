/** Progress lines like `[kafka] ready in 6.1s`, written to stderr (silent when quiet). */
export type Reporter = (scope: string, message: string) => void;

export const silentReporter: Reporter = () => undefined;

export const consoleReporter: Reporter = (scope, message) => {
  process.stderr.write(`[${scope}] ${message}\n`);
};

export function makeReporter(quiet: boolean | undefined): Reporter {
  return quiet ? silentReporter : consoleReporter;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i] ?? 'B'}`;
}

export function fmtSecs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
