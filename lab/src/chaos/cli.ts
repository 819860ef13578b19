import { parseArgs } from 'node:util';
import { ensureStack } from '@fileflow/infra';
import { launcherInfra } from './infra-control';
import { formatTable, runScenario, type ScenarioReport } from './run-scenario';
import { scenarioRuns, scenarios } from './scenarios';

/**
 * `npm run chaos -- <name...|all> [--relay polling|debezium]`: run failure scenarios against the real stack and print the
 * table. Exits 1 if any scenario lost a file, applied one twice or broke an invariant.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { relay: { type: 'string' } } });
  const wanted = positionals.filter((p) => p !== 'all');
  const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}; one of: all, ${scenarios.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const modes = values.relay ? values.relay.split(',') : ['polling', 'debezium'];
  const runs = scenarioRuns(wanted).filter(([, mode]) => modes.includes(mode));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  await ensureStack({ connect: runs.some(([, mode]) => mode === 'debezium') });
  const reports: ScenarioReport[] = [];
  for (const [s, mode] of runs) {
    console.log(`\n== ${s.name} (${mode}): ${s.title}`);
    reports.push(await runScenario(s, launcherInfra, mode));
    console.log(formatTable(reports.slice(-1)));
  }
  console.log(`\n${formatTable(reports)}`);
  return reports.every((r) => r.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
