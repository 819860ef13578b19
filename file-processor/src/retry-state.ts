import type { IHeaders } from 'kafkajs';
import { headerString } from '@fileflow/common';
import { z } from 'zod';

/** Headers a record on the retry topic carries besides the request's own (`id`, `type`, `traceparent`). */
export const retryHeaderNames = {
  round: 'retry-round',
  firstFailedAt: 'retry-first-failed-at',
  notBefore: 'retry-not-before',
  lastError: 'retry-last-error',
} as const;

/** Where a request stands in its retries: which round is next, since when it fails, when it is due. */
export interface RetryState {
  /** The round this record is for (1 = the first try from the retry topic). */
  readonly round: number;
  /** When the upload first failed (ms since the epoch): the budget counts from here. */
  readonly firstFailedAt: number;
  /** Not to be tried before this (ms since the epoch). */
  readonly notBefore: number;
  /** The error of the last try, for whoever reads the topic. */
  readonly lastError: string;
}

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const retryHeadersSchema = z.object({
  round: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a positive integer')
    .transform(Number),
  firstFailedAt: instant,
  notBefore: instant,
  lastError: z.string().default(''),
});

/** The retry headers of `state` (times as ISO-8601, so the topic is readable as it is). */
export function retryHeaders(state: RetryState): IHeaders {
  return {
    [retryHeaderNames.round]: String(state.round),
    [retryHeaderNames.firstFailedAt]: new Date(state.firstFailedAt).toISOString(),
    [retryHeaderNames.notBefore]: new Date(state.notBefore).toISOString(),
    [retryHeaderNames.lastError]: state.lastError.slice(0, 1000),
  };
}

/** Read the retry state of a consumed record; never throws. */
export function readRetryState(
  headers: IHeaders | undefined,
): { ok: true; state: RetryState } | { ok: false; reason: string } {
  const parsed = retryHeadersSchema.safeParse({
    round: headerString(headers, retryHeaderNames.round),
    firstFailedAt: headerString(headers, retryHeaderNames.firstFailedAt),
    notBefore: headerString(headers, retryHeaderNames.notBefore),
    lastError: headerString(headers, retryHeaderNames.lastError),
  });
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, state: parsed.data };
}
