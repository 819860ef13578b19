import type { Violation } from '../audit/facts';
import type { InfraControl, Scenario } from './scenario';
import { auditWorld, createWorld, waitForQuiescence, type RelayMode } from './world';

/** One row of the scenario table. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly relayMode: RelayMode;
  readonly sent: number;
  readonly accepted: number;
  readonly completed: number;
  readonly failed: number;
  /** Accepted files that never reached a terminal status (must be 0). */
  readonly lost: number;
  /** Outcomes applied more than once (must be 0). */
  readonly appliedTwice: number;
  /** Redeliveries the inbox recognised and dropped (the faults at work). */
  readonly duplicatesDropped: number;
  /** From the end of the fault to the last accepted file terminal. */
  readonly recoveryMs: number | null;
  readonly failedReasons: Record<string, number>;
  readonly checks: Record<string, boolean>;
  readonly violations: readonly Violation[];
  readonly passed: boolean;
  readonly logDir: string;
}

export async function runScenario(
  scenario: Scenario,
  infra: InfraControl,
  relayMode: RelayMode = 'polling',
  quiescenceTimeoutMs = 180_000,
): Promise<ScenarioReport> {
  const world = await createWorld(scenario.name, relayMode);
  try {
    await world.startAll();
    const startedAt = Date.now();
    const outcome = await scenario.run(world, infra);
    // Recovery counts from when the fault was over and the load had ended.
    const healedAt = Math.max(outcome.healedAt ?? startedAt, outcome.load.finishedAt);
    const quietAt = await waitForQuiescence(world, outcome.load.accepted, quiescenceTimeoutMs).catch(() => null);
    const audit = await auditWorld(world);
    const accepted = outcome.load.accepted;
    const rows = accepted.length
      ? await world.env.db.selectFrom('files').select(['id', 'status', 'error']).where('id', 'in', accepted).execute()
      : [];
    const completed = rows.filter((r) => r.status === 'completed').length;
    const failed = rows.filter((r) => r.status === 'failed');
    const failedReasons: Record<string, number> = {};
    for (const f of failed) {
      const reason = (f.error ?? 'NO REASON')
        .replace(world.env.keyPrefix, '<prefix>/')
        .replace(/\/\d+\.txt/, '/<id>.txt')
        .slice(0, 160);
      failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
    }
    const lost = accepted.length - completed - failed.length;
    const appliedTwice = audit.violations.filter((v) => v.kind === 'applied-twice').length;
    const checks = outcome.checks ?? {};
    return {
      scenario: scenario.name,
      relayMode,
      sent: outcome.load.sent,
      accepted: accepted.length,
      completed,
      failed: failed.length,
      lost,
      appliedTwice,
      duplicatesDropped: audit.summary.inboxDuplicatesSeen,
      recoveryMs: quietAt === null ? null : Math.max(0, quietAt - healedAt),
      failedReasons,
      checks,
      violations: audit.violations,
      passed:
        lost === 0 &&
        appliedTwice === 0 &&
        audit.violations.length === 0 &&
        outcome.load.gaveUp === 0 &&
        Object.values(checks).every(Boolean),
      logDir: world.logDir,
    };
  } finally {
    // Never let a cleanup failure hide what went wrong in the scenario itself.
    await world.dispose().catch((err: unknown) => console.error(`cleanup of ${scenario.name} failed:`, err));
  }
}

/** The table every scenario run prints. */
export function formatTable(reports: readonly ScenarioReport[]): string {
  const head = [
    'scenario',
    'relay',
    'sent',
    'accepted',
    'completed',
    'failed',
    'lost',
    'applied twice',
    'dupes dropped',
    'recovery',
    'result',
  ];
  const rows = reports.map((r) => [
    r.scenario,
    r.relayMode,
    String(r.sent),
    String(r.accepted),
    String(r.completed),
    String(r.failed),
    String(r.lost),
    String(r.appliedTwice),
    String(r.duplicatesDropped),
    r.recoveryMs === null ? 'timeout' : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.passed ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  for (const r of reports) {
    for (const [reason, n] of Object.entries(r.failedReasons)) out.push(`  ${r.scenario}: ${n} failed: ${reason}`);
    for (const [check, ok] of Object.entries(r.checks)) out.push(`  ${r.scenario}: ${ok ? 'ok' : 'NOT OK'}: ${check}`);
    for (const v of r.violations)
      out.push(`  ${r.scenario}: VIOLATION ${v.kind} ${v.fileId ?? v.key ?? ''}: ${v.detail}`);
    if (!r.passed) out.push(`  ${r.scenario}: logs in ${r.logDir}`);
  }
  return out.join('\n');
}
