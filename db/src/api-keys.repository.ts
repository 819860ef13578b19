import { sql } from 'kysely';
import type { Db } from './connection';

/** A key as listed: never its secret or hash. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export async function insertApiKey(db: Db, key: { id: string; name: string; secretHash: Buffer }): Promise<void> {
  await db.insertInto('api_keys').values({ id: key.id, name: key.name, secret_hash: key.secretHash }).execute();
}

/** A key's stored hash and whether it is revoked, for checking a presented key. */
export async function findApiKeyHash(
  db: Db,
  id: string,
): Promise<{ secretHash: Buffer; revoked: boolean } | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['secret_hash', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { secretHash: row.secret_hash, revoked: row.revoked_at !== null };
}

export async function listApiKeys(db: Db): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'created_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revoke a key; resolves false when no key has that id (revoking twice keeps the first time). */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .executeTakeFirst();
  return numUpdatedRows > 0n;
}
