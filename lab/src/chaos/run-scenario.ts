import { relative } from 'node:path';
import { logFile } from '@fileflow/infra';
import { createConnectClient } from '@fileflow/outbox-relay';
import type { Violation } from '@fileflow/ops';
import { stackSettings } from '@fileflow/testkit';
import { logProblems, logTrail } from './log-excerpts';
import type { InfraControl, Scenario, ScenarioStage } from './scenario';
import { formatProblems, repairStack, settledStackProblems, stackProblems, type StackProblem } from './stack-guard';
import { auditWorld, createWorld, waitForQuiescence, type RelayMode, type World } from './world';

/** One row of the scenario table. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly relayMode: RelayMode;
  readonly sent: number;
  readonly accepted: number;
  readonly completed: number;
  readonly failed: number;
  /** Accepted files whose object was deleted (by expiry or DELETE). */
  readonly expired: number;
  /** Accepted (202) files with no row (must be 0). */
  readonly lost: number;
  /** Accepted files whose row is not final after quiescence, or its timeout (must be 0). */
  readonly stuck: number;
  /** Outcomes applied more than once (must be 0). */
  readonly appliedTwice: number;
  /** Redeliveries the inbox recognised and dropped (the faults at work). */
  readonly duplicatesDropped: number;
  /** From the end of the fault to the last accepted file terminal. */
  readonly recoveryMs: number | null;
  readonly failedReasons: Record<string, number>;
  readonly checks: Record<string, boolean>;
  readonly violations: readonly Violation[];
  /** Shared servers still unhealthy 30 s after the scenario (they were restarted for the next one). */
  readonly stackAfter: readonly StackProblem[];
  /** Shared servers that were unhealthy before it started, and were restarted first. */
  readonly repairedBefore: readonly StackProblem[];
  /** When it failed: the distinct warnings and errors of its services (and of Kafka Connect) during the run. */
  readonly diagnostics: readonly string[];
  readonly passed: boolean;
  readonly logDir: string;
}

/** How long the stack may take to settle after a scenario (a restarted broker rejoins its clients). */
const settleMs = 30_000;

/** Kafka Connect's own chatter while a broker is away: every client says it lost its connection. */
const connectChatter = /\(org\.apache\.kafka\.clients\.NetworkClient:\d+\)$/;
/** What Connect's group member and herder did (joins, assignments), and its tasks' starts and stops. */
const herderTrail =
  /\((org\.apache\.kafka\.connect\.runtime\.distributed\.)?(DistributedHerder|WorkerCoordinator):\d+\)$|(Starting|Stopping|Stopped|Graceful|state to|unresponsive|Revoking|orphan).*\(org\.apache\.kafka\.connect\.runtime\.\w+:\d+\)$/;

/** Every connector Connect knows, with its state and its tasks' (`GET /connectors?expand=status`). */
async function connectorStates(connectUrl: string): Promise<string> {
  try {
    const states = Object.entries((await createConnectClient(connectUrl).statuses()) ?? {}).map(
      ([name, { status }]) =>
        `${name}: ${status?.connector.state ?? '?'} [${(status?.tasks ?? []).map((t) => `${t.id}:${t.state}`).join(' ')}]`,
    );
    return `${states.length} connector(s)${states.length ? `: ${states.join('; ')}` : ''}`;
  } catch (err) {
    return `no answer: ${String(err)}`;
  }
}

/**
 * What a failed scenario's services logged, and in Debezium mode what Kafka Connect logged and
 * did meanwhile and what it says of its connectors now (CI keeps no log files).
 */
async function diagnose(world: World, sinceMs: number, stage?: ScenarioStage): Promise<string[]> {
  // Every instance's log, the ones a scenario added included (named by their folder).
  const lines = world.services().flatMap((service) => {
    const name = relative(world.logDir, service.logFile).replace(/\.log$/, '');
    return logProblems(service.logFile, sinceMs).map((line) => `${name}: ${line}`);
  });
  if (world.relayMode !== 'debezium') return lines;
  const connectLog = stage?.connectLog ?? logFile('connect');
  return [
    ...lines,
    ...logProblems(connectLog, sinceMs, { ignore: connectChatter, max: 12 }).map((line) => `kafka connect: ${line}`),
    ...logTrail(connectLog, sinceMs, { match: herderTrail, max: 15 }).map((line) => `connect trail: ${line}`),
    `connectors now: ${await connectorStates(stage?.kafka.connectUrl ?? stackSettings.connectUrl)}`,
  ];
}

export async function runScenario(
  scenario: Scenario,
  infra: InfraControl,
  relayMode: RelayMode = 'polling',
  quiescenceTimeoutMs = 180_000,
): Promise<ScenarioReport> {
  // A scenario stands on a healthy stack, whatever the one before it left behind.
  const repairedBefore = await stackProblems(infra, relayMode);
  if (repairedBefore.length) {
    console.warn(`${scenario.name}: restarting unhealthy servers first: ${formatProblems(repairedBefore)}`);
    await repairStack(infra, repairedBefore);
  }
  const beganAt = Date.now();
  const stage = await scenario.stage?.(relayMode, scenario.name);
  const world = await createWorld(scenario.name, relayMode, {
    ...scenario.world,
    ...(stage ? { kafka: stage.kafka } : {}),
  }).catch(async (err: unknown) => {
    await stage?.dispose();
    throw err;
  });
  let stackAfter: StackProblem[] | undefined;
  let passed = false;
  try {
    await world.startAll();
    const startedAt = Date.now();
    const outcome = await scenario.run(world, infra, stage);
    // Recovery counts from when the fault was over and the load had ended.
    const healedAt = Math.max(outcome.healedAt ?? startedAt, outcome.load.finishedAt);
    let notQuiet: string | undefined;
    const quietAt = await waitForQuiescence(world, outcome.load.accepted, quiescenceTimeoutMs).catch((err: unknown) => {
      notQuiet = err instanceof Error ? err.message : String(err);
      return null;
    });
    const audit = await auditWorld(world);
    const accepted = outcome.load.accepted;
    const rows = accepted.length
      ? await world.env.db.selectFrom('files').select(['id', 'status', 'error']).where('id', 'in', accepted).execute()
      : [];
    const completed = rows.filter((r) => r.status === 'completed').length;
    const failed = rows.filter((r) => r.status === 'failed');
    const expired = rows.filter((r) => r.status === 'expired').length;
    const failedReasons: Record<string, number> = {};
    for (const f of failed) {
      const reason = (f.error ?? 'NO REASON')
        .replace(world.env.keyPrefix, '<prefix>/')
        .replace(/\/\d+\.txt/, '/<id>.txt')
        .slice(0, 160);
      failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
    }
    // Lost: accepted, and no row says so; stuck: a row that is not final once all is quiet.
    const lost = accepted.length - rows.length;
    const stuck = rows.length - completed - failed.length - expired;
    const appliedTwice = audit.violations.filter((v) => v.kind === 'applied-twice').length;
    const checks = { ...outcome.checks, ...(await outcome.afterQuiescence?.()) };
    stackAfter = await settledStackProblems(infra, relayMode, settleMs);
    passed =
      lost === 0 &&
      stuck === 0 &&
      appliedTwice === 0 &&
      audit.violations.length === 0 &&
      outcome.load.gaveUp === 0 &&
      stackAfter.length === 0 &&
      Object.values(checks).every(Boolean);
    return {
      scenario: scenario.name,
      relayMode,
      sent: outcome.load.sent,
      accepted: accepted.length,
      completed,
      failed: failed.length,
      expired,
      lost,
      stuck,
      appliedTwice,
      duplicatesDropped: audit.summary.inboxDuplicatesSeen,
      recoveryMs: quietAt === null ? null : Math.max(0, quietAt - healedAt),
      failedReasons,
      checks,
      violations: audit.violations,
      stackAfter,
      repairedBefore,
      diagnostics: passed
        ? []
        : [
            ...(notQuiet ? [`quiescence: ${notQuiet}`] : []),
            ...rows
              .filter((r) => !['completed', 'failed', 'expired'].includes(r.status))
              .slice(0, 10)
              .map((r) => `stuck: file ${r.id} is ${r.status}`),
            ...(await diagnose(world, beganAt, stage)),
          ],
      passed,
      logDir: world.logDir,
    };
  } catch (err) {
    // It did not get as far as a report: say what its services and Connect logged meanwhile.
    const lines = await diagnose(world, beganAt, stage);
    if (lines.length) console.error(`${scenario.name} (${relayMode}) logged:\n  ${lines.join('\n  ')}`);
    throw err;
  } finally {
    // Never let a cleanup failure hide what went wrong in the scenario itself.
    await world.dispose().catch((err: unknown) => console.error(`cleanup of ${scenario.name} failed:`, err));
    await stage?.dispose().catch((err: unknown) => console.error(`stopping ${scenario.name}'s cluster failed:`, err));
    // Leave a healthy stack to the next scenario (this one fails for what it broke).
    const broken = [...(stackAfter ?? (await settledStackProblems(infra, relayMode, settleMs)))];
    // Connect can answer its health probe yet no longer run connectors (a hanging transaction: then
    // every later Debezium scenario fails at start): after a failed Debezium scenario, it starts afresh.
    if (relayMode === 'debezium' && !passed && !broken.some((p) => p.component === 'connect')) {
      broken.push({ component: 'connect', problem: 'a Debezium scenario failed on it' });
    }
    if (broken.length) {
      console.warn(`${scenario.name} (${relayMode}): restarting ${formatProblems(broken)}`);
      await repairStack(infra, broken);
    }
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
    'expired',
    'lost',
    'stuck',
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
    String(r.expired),
    String(r.lost),
    String(r.stuck),
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
    if (r.repairedBefore.length)
      out.push(`  ${r.scenario}: restarted first, unhealthy before it: ${formatProblems(r.repairedBefore)}`);
    if (r.stackAfter.length)
      out.push(`  ${r.scenario}: NOT OK: stack unhealthy afterwards: ${formatProblems(r.stackAfter)}`);
    for (const d of r.diagnostics) out.push(`  ${r.scenario}: logged ${d}`);
    if (!r.passed) out.push(`  ${r.scenario}: logs in ${r.logDir}`);
  }
  return out.join('\n');
}
