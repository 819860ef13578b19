import { sql, type Kysely } from 'kysely';

/**
 * An index of the files that ended `expired`, by when they did (`updated_at`: a file is expired
 * once, and nothing changes its row after that), for the API's purge of expired rows
 * (`purgeExpiredFiles`). Partial, so it holds expired files only: the updates every other file
 * goes through (pending, processing, completed) add nothing to it.
 *
 * Building it reads `files` once, holding off writes to it meanwhile: 0.23 s for 2.2 million rows
 * on this project's machine (none of them expired).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's types */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX files_expired_updated_idx ON files (updated_at) WHERE status = 'expired'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX files_expired_updated_idx`.execute(db);
}
