import { sql } from 'kysely';
import type { FileStatus } from '@fileflow/common';
import type { Db } from './connection';
import type { Owner } from './files.repository';

/** A file's status changes in order, with the times the steps reported. */
export async function fileTransitions(db: Db, fileId: number) {
  const rows = await db
    .selectFrom('file_transitions')
    .select(['to_status', 'attempt', 'at', 'reported_at', 'published_at'])
    .where('file_id', '=', fileId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    to: r.to_status,
    attempt: r.attempt,
    at: r.at,
    reportedAt: r.reported_at,
    publishedAt: r.published_at,
  }));
}

/** An owner's files by status, and its latest failures (within `since`), newest first. */
export async function ownerSummary(
  db: Db,
  owner: Owner,
  since: Date,
  failures = 5,
): Promise<{ byStatus: Record<FileStatus, number>; failures: { id: number; error: string | null; at: Date }[] }> {
  const mine = owner === null ? sql`owner IS NULL` : sql`owner = ${owner}`;
  const { rows } = await sql<{ status: FileStatus; n: string }>`
    SELECT status, count(*) AS n FROM files WHERE ${mine} GROUP BY status`.execute(db);
  const byStatus: Record<FileStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0, expired: 0 };
  for (const r of rows) byStatus[r.status] = Number(r.n);
  const { rows: failed } = await sql<{ id: number; error: string | null; at: Date }>`
    SELECT id, error, updated_at AS at FROM files
    WHERE ${mine} AND status = 'failed' AND updated_at >= ${since}
    ORDER BY updated_at DESC LIMIT ${failures}`.execute(db);
  return { byStatus, failures: failed };
}

/** Outbox rows the broker refused for good. */
export async function countOutboxDeadLetters(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox_dead_letters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
