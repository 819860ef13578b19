/** Files published late: how many, when, and the worst delay. */
export interface SlowPublishes {
  readonly files: number;
  /** Seconds after the phase's first commit: the first and the last late file's commit. */
  readonly fromS: number;
  readonly toS: number;
  readonly worstMs: number;
}

/**
 * The files whose commit -> published exceeded `overMs`, located in the phase: a single stall
 * shows as many late files within a fraction of a second, a slow relay as late files all over.
 * Undefined when none was late.
 */
export function slowPublishes(
  files: ReadonlyArray<{ readonly commit: number; readonly published: number }>,
  overMs: number,
): SlowPublishes | undefined {
  if (files.length === 0) return undefined;
  const start = Math.min(...files.map((f) => f.commit));
  const late = files.filter((f) => f.published - f.commit > overMs);
  if (late.length === 0) return undefined;
  const at = late.map((f) => (f.commit - start) / 1000);
  return {
    files: late.length,
    fromS: Math.min(...at),
    toS: Math.max(...at),
    worstMs: Math.max(...late.map((f) => f.published - f.commit)),
  };
}
