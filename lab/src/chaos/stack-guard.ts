import { eventually } from '@fileflow/testkit';
import type { InfraComponent, InfraControl } from './scenario';
import type { RelayMode } from './world';

/** A shared server that is not healthy, and why. */
export interface StackProblem {
  readonly component: InfraComponent;
  readonly problem: string;
}

/** The shared servers a scenario in this relay mode stands on. */
export function componentsFor(relayMode: RelayMode): InfraComponent[] {
  return relayMode === 'debezium' ? ['postgres', 'kafka', 's3', 'connect'] : ['postgres', 'kafka', 's3'];
}

/** What is wrong with the shared stack right now (empty: every component answers its readiness probe). */
export async function stackProblems(infra: InfraControl, relayMode: RelayMode): Promise<StackProblem[]> {
  const components = componentsFor(relayMode);
  const problems = await infra.health(components);
  return components.flatMap((component) => {
    const problem = problems[component];
    return problem === undefined ? [] : [{ component, problem }];
  });
}

/**
 * The stack's problems once it had `withinMs` to settle (a broker just restarted rejoins its
 * clients within seconds); empty when it became healthy in time.
 */
export async function settledStackProblems(
  infra: InfraControl,
  relayMode: RelayMode,
  withinMs: number,
): Promise<StackProblem[]> {
  let last: StackProblem[] = [];
  try {
    await eventually(
      async () => {
        last = await stackProblems(infra, relayMode);
        if (last.length) throw new Error('stack not healthy');
      },
      { timeoutMs: withinMs, intervalMs: 500 },
    );
    return [];
  } catch {
    return last;
  }
}

/**
 * Restart (SIGKILL, then start) every component with a problem, so one scenario that broke a
 * shared server does not fail every scenario after it. The scenario that broke it fails on its own.
 */
export async function repairStack(infra: InfraControl, problems: readonly StackProblem[]): Promise<void> {
  for (const { component } of problems) {
    await infra.kill(component, 'SIGKILL').catch(() => undefined);
    await infra.start(component);
  }
}

export function formatProblems(problems: readonly StackProblem[]): string {
  return problems.map((p) => `${p.component}: ${p.problem}`).join('; ');
}
