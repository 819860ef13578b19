import { createLogger, databaseEnvSchema, loadConfig, logEnvSchema } from '@fileflow/common';
import { createDb } from './connection';
import { migrateToLatest } from './migrate';

/** `npm run migration:run`: apply pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const env = { DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb', ...process.env };
  const config = loadConfig(databaseEnvSchema.extend(logEnvSchema.shape), env);
  const log = createLogger('migrate', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, 1, { prepare: false });
  try {
    const applied = await migrateToLatest(db);
    log.info(applied.length ? 'migrations applied' : 'schema up to date', { applied });
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
