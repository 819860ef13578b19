import { parseArgs } from 'node:util';
import { ensureStack } from '@fileflow/infra';
import { launcherInfra } from './infra-control';
import { formatTable, runScenario, type ScenarioReport } from './run-scenario';
import { scenarios } from './scenarios';

/**
 * `npm run chaos -- <name|all>`: run failure scenarios against the real stack and print the
 * table. Exits 1 if any scenario lost a file, applied one twice or broke an invariant.
 */
async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true });
  const wanted = positionals[0] ?? 'all';
  const chosen = wanted === 'all' ? scenarios : scenarios.filter((s) => s.name === wanted);
  if (chosen.length === 0) {
    console.error(`unknown scenario ${wanted}; one of: all, ${scenarios.map((s) => s.name).join(', ')}`);
    return 2;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  await ensureStack();
  const reports: ScenarioReport[] = [];
  for (const s of chosen) {
    console.log(`\n== ${s.name}: ${s.title}`);
    reports.push(await runScenario(s, launcherInfra));
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
