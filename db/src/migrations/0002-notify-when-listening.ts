import { sql, type Kysely } from 'kysely';

/**
 * NOTIFY only while a relay sleeps. Every NOTIFY takes PostgreSQL's global notify-queue lock
 * at commit and holds it through the commit's WAL flush, so a NOTIFY per insert serialises all
 * writers' commits. A relay raises `outbox_wakeup.requested` before it sleeps and lowers it when
 * it works; writers notify only while it is raised. See `requestWakeup` for why no insert can
 * slip between the two, and why the relay only tries the lock (a writer never waits for the
 * relay).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE outbox_wakeup (
      singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
      requested BOOLEAN NOT NULL DEFAULT true
    )`.execute(db);
  await sql`INSERT INTO outbox_wakeup DEFAULT VALUES`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(7126540001); -- wakeupLockKey (wakeup-lock.ts)
      -- A new statement, so in READ COMMITTED a fresh snapshot: it sees a flag raised while we
      -- waited for the lock. Other isolation levels read an older snapshot: they always notify.
      IF current_setting('transaction_isolation') <> 'read committed'
         OR (SELECT requested FROM outbox_wakeup) THEN
        PERFORM pg_notify('outbox', '');
      END IF;
      RETURN NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('outbox', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TABLE outbox_wakeup`.execute(db);
}
