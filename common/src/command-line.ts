import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What an operator command accepts, and the text `--help` prints. */
export interface CommandSpec<O extends Options> {
  /** How it is called, e.g. `npm run audit -- [options]`. */
  readonly usage: string;
  /** What it does, a line or two. */
  readonly summary: string;
  readonly options: O;
  /** One line per option, keyed by its name (`--help` is added). */
  readonly describe: { readonly [K in keyof O]: string };
  /** Positional arguments it takes (none if absent), named in the usage. */
  readonly positionals?: boolean;
  /** More text after the options (examples, exit codes). */
  readonly epilogue?: string;
}

export type CommandLine<O extends Options> =
  | {
      kind: 'run';
      values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
      positionals: string[];
    }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; text: string };

/** The `--help` text of `spec`. */
export function helpText<O extends Options>(spec: CommandSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `--${name}${o.short ? `, -${o.short}` : ''}${o.type === 'string' ? ' <value>' : ''}`;
    const fallback = o.default === undefined || o.default === false ? '' : ` (default: ${String(o.default)})`;
    return [flag, `${spec.describe[name as keyof O]}${fallback}`] as const;
  });
  rows.push(['--help, -h', 'print this help and exit']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    ...(spec.epilogue ? ['', spec.epilogue] : []),
    '',
  ].join('\n');
}

/**
 * Parse `argv` against `spec`. Pure: `--help` (or `-h`) gives the help; an unknown option, a
 * missing value or a positional where none is taken gives a one-line reason and the usage.
 */
export function parseCommandLine<O extends Options>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: helpText(spec) };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
    if (!spec.positionals && positionals.length > 0) {
      return usageError(spec, `unexpected argument '${positionals[0] ?? ''}'`);
    }
    return { kind: 'run', values, positionals };
  } catch (err) {
    return usageError(spec, err instanceof Error ? err.message : String(err));
  }
}

/** A usage error: the reason, then how to call it. */
export function usageError<O extends Options>(
  spec: CommandSpec<O>,
  reason: string,
): { kind: 'usage-error'; text: string } {
  return { kind: 'usage-error', text: `${reason}\nusage: ${spec.usage} (--help for the options)\n` };
}

/** Thrown by a command's `main` when its arguments make no sense together: exit 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A numeric option's value, which must be a non-negative number: a `UsageError` otherwise. */
export function nonNegativeNumber(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${name} must be a non-negative number, not '${value}'`);
  }
  return n;
}

/**
 * Run a command: `--help` prints the help and exits 0; a usage error prints its reason and the
 * usage and exits 2 (so does a `UsageError` from `main`); otherwise `main` runs, and its
 * resolved number is the exit code. Any other error thrown by `main` prints its message (no stack
 * trace) and exits `failureCode`.
 */
export function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  main: (args: Extract<CommandLine<O>, { kind: 'run' }>) => Promise<number>,
  { argv = process.argv.slice(2), failureCode = 1 }: { argv?: readonly string[]; failureCode?: number } = {},
): void {
  const parsed = parseCommandLine(spec, argv);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    process.exit(0);
  }
  if (parsed.kind === 'usage-error') {
    process.stderr.write(parsed.text);
    process.exit(2);
  }
  Promise.resolve(parsed)
    .then(main)
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        if (err instanceof UsageError) {
          process.stderr.write(usageError(spec, err.message).text);
          process.exit(2);
        }
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(failureCode);
      },
    );
}
