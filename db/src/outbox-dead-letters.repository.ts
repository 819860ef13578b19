import { sql } from 'kysely';
import type { Db } from './connection';
import type { ClaimedOutboxRow } from './outbox.repository';

/** An outbox row the broker refused for good, and why. */
export interface RefusedOutboxRow {
  readonly row: ClaimedOutboxRow;
  readonly reason: string;
}

/**
 * Keep refused rows in `outbox_dead_letters` with their reason and move each one's file to
 * `failed` (if it is still pending or processing in the attempt the row requested), in one statement inside the caller's
 * transaction: the one that claimed (and so deleted) the rows. A file's request that can never be
 * published thus ends `failed` with a clear error instead of `pending` forever, and the rows
 * behind it go on. `error` is what the file's `error` column says.
 */
export async function deadLetterOutboxRows(
  db: Db,
  refused: readonly RefusedOutboxRow[],
  error: (r: RefusedOutboxRow) => string,
): Promise<void> {
  if (refused.length === 0) return;
  const doc = JSON.stringify(
    refused.map((r) => ({
      id: r.row.id,
      aggregatetype: r.row.aggregatetype,
      aggregateid: r.row.aggregateid,
      type: r.row.type,
      topic: r.row.topic,
      payload: r.row.payload,
      traceparent: r.row.traceparent,
      reason: r.reason,
      error: error(r),
    })),
  );
  await sql`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${doc}::jsonb) AS r(
        id uuid, aggregatetype text, aggregateid text, type text, topic text, payload text,
        traceparent text, reason text, error text)
    ), dead AS (
      INSERT INTO outbox_dead_letters (id, aggregatetype, aggregateid, type, topic, payload, traceparent, reason)
      SELECT id, aggregatetype, aggregateid, type, topic, payload::jsonb, traceparent, reason FROM r
      ON CONFLICT (id) DO NOTHING
    )
    UPDATE files SET status = 'failed', error = r.error, updated_at = CURRENT_TIMESTAMP
    FROM r
    WHERE r.aggregatetype = 'file' AND r.type = 'file.create' AND r.aggregateid ~ '^[0-9]{1,10}$'
      AND files.id = r.aggregateid::bigint AND files.status IN ('pending', 'processing')
      -- only the attempt this request was for (a request without one is attempt 1)
      AND coalesce(r.payload::jsonb ->> 'attempt', '1') = files.attempt::text`.execute(db);
}

/** Dead-lettered outbox rows, oldest first (for the audit and operators). */
export async function listOutboxDeadLetters(
  db: Db,
  limit = 1_000,
): Promise<Array<{ id: string; aggregateid: string; type: string; topic: string; reason: string; deadAt: Date }>> {
  const rows = await db
    .selectFrom('outbox_dead_letters')
    .select(['id', 'aggregateid', 'type', 'topic', 'reason', 'dead_at'])
    .orderBy('dead_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    aggregateid: r.aggregateid,
    type: r.type,
    topic: r.topic,
    reason: r.reason,
    deadAt: r.dead_at,
  }));
}
