/**
 * How many rows the next claim may take, and what a refusal by the broker means. Pure.
 *
 * The broker refusing a batch for good (a record too large for the topic, an invalid record)
 * says that some row of it can never be published, not which. Each refusal halves the claim, so
 * the rows before the bad one leave in smaller batches and the bad one ends up alone; refused
 * alone, it is dead-lettered. The claim is back to its full size once as many rows as the
 * refused batch held have been published since (the bad row was not among them, or it was
 * dead-lettered).
 */
export interface BatchLimitState {
  /** Rows the next claim may take. */
  readonly rows: number;
  /** Rows still to publish (or dead-letter) before the claim is full again; 0 when it is. */
  readonly narrowedFor: number;
}

export type BatchOutcome =
  | { readonly kind: 'published'; readonly rows: number }
  /** The broker refused a batch of `rows` rows for good. */
  | { readonly kind: 'refused'; readonly rows: number };

export type BatchDecision = { readonly kind: 'go-on' } | { readonly kind: 'narrow' } | { readonly kind: 'dead-letter' };

export const fullBatch = (batchSize: number): BatchLimitState => ({ rows: batchSize, narrowedFor: 0 });

/**
 * The next state after a batch, and what to do with the batch: nothing more (`go-on`), roll it
 * back and claim fewer rows (`narrow`), or dead-letter its one row (`dead-letter`).
 */
export function nextBatchLimit(
  state: BatchLimitState,
  outcome: BatchOutcome,
  batchSize: number,
): { state: BatchLimitState; decision: BatchDecision } {
  if (outcome.kind === 'published') {
    if (state.narrowedFor === 0) return { state, decision: { kind: 'go-on' } };
    const left = state.narrowedFor - outcome.rows;
    return {
      state: left > 0 ? { rows: state.rows, narrowedFor: left } : fullBatch(batchSize),
      decision: { kind: 'go-on' },
    };
  }
  if (outcome.rows <= 1) {
    const left = state.narrowedFor - 1;
    return {
      state: left > 0 ? { rows: state.rows, narrowedFor: left } : fullBatch(batchSize),
      decision: { kind: 'dead-letter' },
    };
  }
  return {
    state: { rows: Math.ceil(outcome.rows / 2), narrowedFor: outcome.rows },
    decision: { kind: 'narrow' },
  };
}
