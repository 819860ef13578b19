import { launcherInfra } from './infra-control';
import { formatTable, runScenario, type ScenarioReport } from './run-scenario';
import { scenarioRuns } from './scenarios';
import { startTransactionJanitor } from './transaction-janitor';

/**
 * The failure-injection suite. It kills and restarts shared servers (Kafka, Postgres, S3),
 * so it runs alone (`--runInBand`, after the other projects), one scenario at a time.
 */
const reports: ScenarioReport[] = [];
let janitor: ReturnType<typeof startTransactionJanitor> | undefined;

beforeAll(() => {
  janitor = startTransactionJanitor();
});
afterAll(() => {
  janitor?.stop();
  if (reports.length) console.log(formatTable(reports));
  if (janitor?.aborted.length) console.log(`hanging transactions aborted:\n  ${janitor.aborted.join('\n  ')}`);
});

describe.each(scenarioRuns().map(([s, mode]) => [`${s.name} (${mode})`, s, mode] as const))(
  '%s',
  (_name, scenario, mode) => {
    it(`${scenario.title}: nothing lost, nothing applied twice, invariants hold`, async () => {
      const report = await runScenario(scenario, launcherInfra, mode);
      reports.push(report);
      // CI keeps no log files: a failure shows its row, its checks and what its services logged.
      if (!report.passed) console.log(formatTable([report]));
      expect({
        lost: report.lost,
        stuck: report.stuck,
        appliedTwice: report.appliedTwice,
        violations: report.violations,
      }).toEqual({
        lost: 0,
        stuck: 0,
        appliedTwice: 0,
        violations: [],
      });
      expect(report.accepted).toBe(report.sent);
      expect(report.checks).not.toEqual({});
      for (const [check, ok] of Object.entries(report.checks)) expect({ check, ok }).toEqual({ check, ok: true });
      expect(report.recoveryMs).not.toBeNull();
      expect(report.stackAfter).toEqual([]);
      expect(report.passed).toBe(true);
    }, 300_000);
  },
);
