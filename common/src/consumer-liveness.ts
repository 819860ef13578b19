/** Kafka error types that mean this member is losing (or has lost) its partitions. */
const membershipLost = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
  'FENCED_INSTANCE_ID',
]);

/** Whether `err` (from a KafkaJS heartbeat) says the group is rebalancing or dropped this member. */
export function losesMembership(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('type' in err)) return false;
  return typeof err.type === 'string' && membershipLost.has(err.type);
}

export interface HeartbeatLoop {
  /** Aborted (with the heartbeat's error as reason) once a heartbeat said the membership is lost. */
  readonly signal: AbortSignal;
  /** Stop heartbeating. Resolves, once no heartbeat is in flight, with the error that ended the membership, if one did. */
  stop(): Promise<Error | undefined>;
}

/**
 * Call `beat` every `intervalMs` until `stop()`: KafkaJS sends heartbeats only when it is called,
 * and a slice that outlasts the session timeout without one loses the group membership. A
 * heartbeat that fails for another reason (a connection error) is reported to `onError` and the
 * loop goes on; one that says the membership is lost ends it and aborts `signal`. No rejection
 * ever escapes the loop.
 */
export function keepHeartbeating(
  beat: () => Promise<void>,
  intervalMs: number,
  onError: (err: unknown) => void,
): HeartbeatLoop {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  let lost: Error | undefined;

  const schedule = () => {
    if (stopped || controller.signal.aborted) return;
    timer = setTimeout(tick, intervalMs);
  };
  const tick = () => {
    timer = undefined;
    inFlight = Promise.resolve()
      .then(beat)
      .then(schedule, (err: unknown) => {
        if (losesMembership(err)) {
          lost = err instanceof Error ? err : new Error(String(err));
          controller.abort(err);
          return;
        }
        try {
          onError(err);
        } finally {
          schedule();
        }
      })
      .catch(() => undefined); // onError itself threw: nothing to do with it here
  };
  schedule();

  return {
    signal: controller.signal,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      return lost;
    },
  };
}

/**
 * Whether a consumer looks wedged: `stallMs` passed since its last sign of life (a fetch that
 * completed, a slice that started or ended, a group join) while none of its slices was in
 * flight. A slice in flight holds the next fetch back legitimately, so it never counts.
 */
export function isStalled(s: {
  readonly now: number;
  readonly lastActivityAt: number;
  readonly slicesInFlight: number;
  readonly stallMs: number;
}): boolean {
  return s.slicesInFlight === 0 && s.now - s.lastActivityAt >= s.stallMs;
}
