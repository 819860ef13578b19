import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial';
import * as notifyWhenListening from './migrations/0002-notify-when-listening';
import * as outboxDeadLetters from './migrations/0003-outbox-dead-letters';
import * as fileAttempts from './migrations/0004-file-attempts';
import * as inboxReceivedAt from './migrations/0005-inbox-received-at';
import * as apiKeysIdempotency from './migrations/0006-api-keys-idempotency';
import * as reportedTimes from './migrations/0007-reported-times';
import * as formatsExpiry from './migrations/0008-formats-expiry';
import * as outboxAutovacuum from './migrations/0009-outbox-autovacuum';
import * as leanStatusWrites from './migrations/0010-lean-status-writes';
import * as statementTransitions from './migrations/0011-statement-transitions';
import * as expiredFilesIndex from './migrations/0012-expired-files-index';

/** Migrations are imported, not read from disk, so they work the same from tsx, jest and builds. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-notify-when-listening': notifyWhenListening,
  '0003-outbox-dead-letters': outboxDeadLetters,
  '0004-file-attempts': fileAttempts,
  '0005-inbox-received-at': inboxReceivedAt,
  '0006-api-keys-idempotency': apiKeysIdempotency,
  '0007-reported-times': reportedTimes,
  '0008-formats-expiry': formatsExpiry,
  '0009-outbox-autovacuum': outboxAutovacuum,
  '0010-lean-status-writes': leanStatusWrites,
  '0011-statement-transitions': statementTransitions,
  '0012-expired-files-index': expiredFilesIndex,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** A migrator's error (whatever it threw) as an Error. */
function throwIfFailed(error: unknown): void {
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
}

/** Bring the schema to the latest migration; throws with the failing migration's error. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  throwIfFailed(error);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Undo the latest applied migration (its `down`); resolves with its name, or undefined if none. */
export async function undoLatestMigration<DB>(db: Kysely<DB>): Promise<string | undefined> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateDown();
  throwIfFailed(error);
  return results?.find((r) => r.status === 'Success')?.migrationName;
}

/** Bring the schema up (or down) to migration `name` exactly: for tools that compare schemas. */
export async function migrateTo<DB>(db: Kysely<DB>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  throwIfFailed(error);
}
