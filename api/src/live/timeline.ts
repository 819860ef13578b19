import type { FileStatus } from '@fileflow/common';

/** A recorded status change of a file, with the times the steps reported. */
export interface TransitionRecord {
  readonly to: FileStatus;
  readonly attempt: number;
  /** When the status consumer committed it. */
  readonly at: Date;
  /** The time in the event (the processor's clock). */
  readonly reportedAt: Date | null;
  /** When the request reached Kafka. */
  readonly publishedAt: Date | null;
}

export type TimelineStep = 'committed' | 'published' | 'processing' | 'uploaded' | 'completed' | 'failed' | 'expired';

export interface Timeline {
  readonly attempt: number;
  readonly steps: readonly { readonly step: TimelineStep; readonly at: string }[];
}

/**
 * A file's journey in its current attempt, from what the system keeps (`file_transitions`):
 * committed (the API's transaction), published (its record reached Kafka), processing (the
 * processor began), uploaded (the object written), then completed or failed (the status
 * committed), and expired (its object deleted). A step the records do not tell is left out. Pure.
 */
export function timelineOf(transitions: readonly TransitionRecord[]): Timeline {
  const attempt = transitions.reduce((a, t) => Math.max(a, t.attempt), 1);
  const mine = transitions.filter((t) => t.attempt === attempt);
  const find = (s: FileStatus) => mine.find((t) => t.to === s);
  const pending = find('pending');
  const processing = find('processing');
  const final = find('completed') ?? find('failed');
  // Expiry ends the file whatever attempt it is on (the transition keeps the attempt it ended).
  const expired = mine.find((t) => t.to === 'expired');
  const steps: { step: TimelineStep; at: Date | null | undefined }[] = [
    { step: 'committed', at: pending?.at },
    { step: 'published', at: processing?.publishedAt ?? final?.publishedAt },
    { step: 'processing', at: processing?.reportedAt },
    ...(final?.to === 'completed' ? [{ step: 'uploaded' as const, at: final.reportedAt }] : []),
    ...(final ? [{ step: final.to as 'completed' | 'failed', at: final.at }] : []),
    { step: 'expired', at: expired?.at },
  ];
  return {
    attempt,
    steps: steps.flatMap((s) => (s.at ? [{ step: s.step, at: s.at.toISOString() }] : [])),
  };
}
