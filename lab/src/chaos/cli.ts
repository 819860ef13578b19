import { runCommand, UsageError } from '@fileflow/common';
import { ensureStack } from '@fileflow/infra';
import { launcherInfra } from './infra-control';
import { formatTable, runScenario, type ScenarioReport } from './run-scenario';
import { scenarioRuns, scenarios } from './scenarios';
import { startTransactionJanitor } from './transaction-janitor';
import type { RelayMode } from './world';

const relayModes: readonly RelayMode[] = ['polling', 'debezium'];

/** The scenarios, a line each (what `npm run chaos` prints with no scenario named). */
export function scenarioList(): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return [
    'scenarios (npm run chaos -- <name...|all> [--relay polling|debezium]):',
    ...scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.title}${s.modes ? ` [${s.modes.join(', ')} only]` : ''}`),
    '',
  ].join('\n');
}

/** The relay modes `--relay` names (both when absent). */
export function parseModes(value: string | undefined): RelayMode[] {
  if (value === undefined) return [...relayModes];
  const wanted = value.split(',');
  const bad = wanted.filter((m) => !relayModes.some((r) => r === m));
  if (bad.length) throw new UsageError(`unknown relay mode ${bad.join(', ')}; one of: ${relayModes.join(', ')}`);
  return relayModes.filter((m) => wanted.includes(m));
}

/** The scenarios named (all of them for `all`). */
export function parseScenarioNames(names: readonly string[]): string[] {
  const wanted = names.filter((p) => p !== 'all');
  const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
  if (unknown.length) {
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')}; one of: all, ${scenarios.map((s) => s.name).join(', ')}`,
    );
  }
  return wanted;
}

export const chaosCommand = {
  usage: 'npm run chaos -- [<name...>|all] [--relay polling|debezium]',
  summary:
    'Run failure scenarios against the real stack (started if needed) and print the table: sent, accepted,\n' +
    'completed, failed, lost, applied twice, recovery time. With no scenario named, list them.',
  options: { relay: { type: 'string' }, list: { type: 'boolean', default: false } },
  describe: {
    relay: 'relay modes to run each scenario in, comma-separated (default: polling,debezium)',
    list: 'list the scenarios and exit',
  },
  positionals: true,
  epilogue: 'Exits 0 when every scenario passed, 1 if any lost a file, applied one twice or broke an invariant.',
} as const;

if (require.main === module) {
  runCommand(chaosCommand, async ({ values, positionals }) => {
    const modes = parseModes(values.relay);
    if (values.list || positionals.length === 0) {
      process.stdout.write(scenarioList());
      return 0;
    }
    const runs = scenarioRuns(parseScenarioNames(positionals)).filter(([, mode]) => modes.includes(mode));
    await ensureStack({ connect: runs.some(([, mode]) => mode === 'debezium') });
    const reports: ScenarioReport[] = [];
    const janitor = startTransactionJanitor();
    try {
      for (const [s, mode] of runs) {
        console.log(`\n== ${s.name} (${mode}): ${s.title}`);
        reports.push(await runScenario(s, launcherInfra, mode));
        console.log(formatTable(reports.slice(-1)));
      }
    } finally {
      janitor.stop();
    }
    console.log(`\n${formatTable(reports)}`);
    return reports.every((r) => r.passed) ? 0 : 1;
  });
}
