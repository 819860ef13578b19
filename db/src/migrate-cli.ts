import { createLogger, databaseEnvSchema, loadConfig, logEnvSchema, runCommand } from '@fileflow/common';
import { createDb } from './connection';
import { migrateToLatest } from './migrate';

runCommand(
  {
    usage: 'npm run migration:run',
    summary: "Apply the pending migrations to the database at DATABASE_URL (default: the native stack's filedb).",
    options: {},
    describe: {},
  },
  async () => {
    const env = { DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb', ...process.env };
    const config = loadConfig(databaseEnvSchema.extend(logEnvSchema.shape), env);
    const log = createLogger('migrate', config.LOG_LEVEL);
    // a migration may build an index on a large table: no statement or query limit
    const db = createDb(config.DATABASE_URL, 1, {
      prepare: false,
      timeouts: { statementTimeoutMs: 0, queryTimeoutMs: 0 },
    });
    try {
      const applied = await migrateToLatest(db);
      log.info(applied.length ? 'migrations applied' : 'schema up to date', { applied });
      return 0;
    } finally {
      await db.destroy();
    }
  },
);
