import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseCommandLine } from '@fileflow/common';
import { chaosCommand, parseModes, parseScenarioNames, scenarioList } from './chaos/cli';
import { scenarios } from './chaos/scenarios';
import { benchCommand, benchOptions } from './bench/options';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');

/** Run a command line entry point as `npm run` would; resolves to its exit code and output. */
async function command(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', script, ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each([
  ['npm run chaos', 'lab/src/chaos/cli.ts'],
  ['npm run audit', 'ops/src/audit/cli.ts'],
  ['npm run dlq:replay', 'ops/src/dlq/cli.ts'],
  ['npm run sweep', 'ops/src/sweep/cli.ts'],
  ['npm run keys', 'ops/src/keys/cli.ts'],
  ['npm run bench', 'lab/src/bench/cli.ts'],
  ['npm run migration:run', 'db/src/migrate-cli.ts'],
])('%s', (name, script) => {
  it('prints its usage for --help and exits 0', async () => {
    const r = await command(script, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stdout).toMatch(/--help, -h +print this help and exit/);
  });

  it('refuses an unknown flag with its usage and exit 2, without a stack trace', async () => {
    const r = await command(script, ['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--no-such-flag'/);
    expect(r.stderr).toMatch(/\nusage: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run stack', () => {
  it('prints its usage for --help (exit 0), and refuses an unknown command or name with exit 2', async () => {
    const help = await command('infra/src/cli.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: /);
    const unknown = await command('infra/src/cli.ts', ['--no-such-flag']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command --no-such-flag\n\nUsage: /);
    const name = await command('infra/src/cli.ts', ['start', 'no-such-thing']);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/expected a name \(.*\), got no-such-thing/);
    expect(name.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run chaos', () => {
  it('with no scenario lists them, a line each, and exits 0 without touching the stack', async () => {
    const r = await command('lab/src/chaos/cli.ts', []);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(scenarioList());
    const lines = r.stdout.trimEnd().split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(scenarios.map((s) => s.name));
    for (const [i, s] of scenarios.entries()) expect(lines[i]).toContain(s.title);
  });

  it('names an unknown scenario or relay mode, with exit 2', async () => {
    const r = await command('lab/src/chaos/cli.ts', ['no-such-scenario']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^unknown scenario no-such-scenario; one of: all, relay-crash/);
    expect(() => parseModes('polling,kafka')).toThrow(/unknown relay mode kafka/);
  });

  it('parses scenario names and modes', () => {
    expect(parseScenarioNames(['all'])).toEqual([]);
    expect(parseScenarioNames(['network', 'poison'])).toEqual(['network', 'poison']);
    expect(parseModes(undefined)).toEqual(['polling', 'debezium']);
    expect(parseModes('debezium')).toEqual(['debezium']);
    expect(parseCommandLine(chaosCommand, ['--list']).kind).toBe('run');
  });
});

describe('npm run bench options', () => {
  const parse = (argv: string[]) => {
    const parsed = parseCommandLine(benchCommand, argv);
    if (parsed.kind !== 'run') throw new Error(parsed.kind);
    return benchOptions(parsed.values);
  };

  it('has the full run by default and the short one with --quick', () => {
    expect(parse([])).toMatchObject({
      quick: false,
      backlog: 100_000,
      stageSeconds: 10,
      modes: ['polling', 'debezium'],
    });
    expect(parse(['--quick'])).toMatchObject({ quick: true, backlog: 2_000, stageSeconds: 3 });
    expect(parse(['--quick', '--backlog', '500', '--only', 'drain,e2e'])).toMatchObject({ backlog: 500 });
    expect([...parse(['--only', 'drain,e2e']).phases]).toEqual(['drain', 'e2e']);
  });

  it('refuses a value that is not a number and a phase or mode it does not know', () => {
    expect(() => parse(['--backlog', 'many'])).toThrow(/--backlog must be a non-negative number, not 'many'/);
    expect(() => parse(['--only', 'stage'])).toThrow(/--only: unknown stage; one of: stages, api, drain, e2e/);
    expect(() => parse(['--modes', 'cdc'])).toThrow(/--modes: unknown cdc/);
  });
});
