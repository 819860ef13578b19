/**
 * Fault injection for the failure suite: a process can be told to crash (SIGKILL itself, no
 * cleanup, exactly like `kill -9`) the Nth time it passes a named point. Off unless
 * `FAULT_CRASH_AT` is set, e.g. `FAULT_CRASH_AT=processor.after-upload:25`.
 */
const points = [
  'relay.after-publish',
  'processor.after-upload',
  'processor.after-delete',
  'status.before-commit',
  'api.after-commit',
] as const;
export type FaultPoint = (typeof points)[number];

export interface Faults {
  /** Called at `point`; crashes the process when the plan says so. */
  hit(point: FaultPoint): void;
}

export const noFaults: Faults = { hit: () => undefined };

/** Parse `FAULT_CRASH_AT` (`point:n`); throws on a malformed plan so a typo cannot pass silently. */
export function parseFaultPlan(spec: string | undefined): { point: FaultPoint; at: number } | undefined {
  if (!spec) return undefined;
  const [point, n] = spec.split(':');
  const at = Number(n);
  if (!points.includes(point as FaultPoint) || !Number.isInteger(at) || at < 1) {
    throw new Error(`FAULT_CRASH_AT must be <point>:<n> with point one of ${points.join(', ')} (got ${spec})`);
  }
  return { point: point as FaultPoint, at };
}

/** Faults that call `crash` on the Nth hit of the planned point. */
export function createFaults(
  plan: { point: FaultPoint; at: number } | undefined,
  crash: (point: FaultPoint) => void = () => process.kill(process.pid, 'SIGKILL'),
): Faults {
  if (!plan) return noFaults;
  let count = 0;
  return {
    hit(point) {
      if (point !== plan.point) return;
      count += 1;
      if (count === plan.at) crash(point);
    },
  };
}
