import type { Redis } from 'ioredis';
import { fileVersion, type FileState, type Logger } from '@fileflow/common';
import type { FileRow } from '@fileflow/db';

/**
 * A read-through cache of files in Redis, safe against stale writes. Every entry carries the
 * file's version (`cacheVersion`: it grows with every status change, attempt and deletion request), and a write
 * only lands if the entry holds no newer version. The status consumer, inside the transaction
 * that updates a file and before it commits, writes a marker with the new version (`invalidate`):
 * a reader that read the row before the commit can no longer put its older copy back, and every
 * read after the marker goes to PostgreSQL. So once an update has committed, no read sees the
 * older status. (A transaction that then rolls back leaves a marker of a version the file has not
 * reached: reads of that file miss the cache until the entry expires; nothing stale is served.)
 *
 * Redis is never in the way: a command that fails or times out is a miss (reads) or is skipped
 * (writes), and the caller goes on with PostgreSQL. Entries expire after `ttlSeconds`, which
 * bounds how long an entry can outlive an update whose marker could not be written (Redis
 * unreachable from the status consumer but not from an API reader).
 */
export interface FileCache {
  get(id: number): Promise<FileRow | undefined>;
  put(row: FileRow): Promise<void>;
  /** Mark the files changed: `version` is each one's `cacheVersion` after the change. */
  invalidate(changes: readonly { id: number; version: number }[]): Promise<void>;
}

/** Set KEYS[1] to "<ARGV[1]>|<ARGV[2]>" for ARGV[3] s, unless it holds a version above ARGV[1]. */
const setIfNotNewer = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local bar = string.find(cur, '|', 1, true)
  local v = bar and tonumber(string.sub(cur, 1, bar - 1))
  if v and v > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1`;

type CacheRedis = Redis & {
  fileflowSetIfNotNewer(key: string, version: number, value: string, ttlSeconds: number): Promise<number>;
};

type DateColumn = 'created_at' | 'updated_at' | 'reported_at' | 'published_at' | 'expires_at' | 'deletion_requested_at';
type StoredRow = Omit<FileRow, DateColumn> & Record<DateColumn, string | null>;

const dateOrNull = (v: string | null | undefined): Date | null => (v ? new Date(v) : null);

/** The version of a file whose row is gone (purged): above every other, so no copy can be put back. */
export const goneVersion = Number.MAX_SAFE_INTEGER;

/**
 * The version of a file as the cache orders its copies: `fileVersion` (status and attempt), and
 * whether its deletion was asked for, which changes what a reader sees without changing either.
 */
export const cacheVersion = (f: FileState & { readonly deletionRequested: boolean }): number =>
  fileVersion(f) * 2 + (f.deletionRequested ? 1 : 0);

const rowVersion = (row: FileRow): number =>
  cacheVersion({ status: row.status, attempt: row.attempt, deletionRequested: row.deletion_requested_at !== null });

export function createFileCache(o: { redis: Redis; keyPrefix: string; ttlSeconds: number; logger: Logger }): FileCache {
  const redis = o.redis as CacheRedis;
  if (typeof redis.fileflowSetIfNotNewer !== 'function') {
    redis.defineCommand('fileflowSetIfNotNewer', { numberOfKeys: 1, lua: setIfNotNewer });
  }
  const key = (id: number) => `${o.keyPrefix}file:${id}`;
  const skipped = (what: string) => (err: unknown) =>
    o.logger.debug(`file cache: ${what} skipped`, { err: String(err) });

  return {
    async get(id) {
      const raw = await redis.get(key(id)).catch(skipped('read'));
      if (!raw) return undefined;
      const json = raw.slice(raw.indexOf('|') + 1);
      if (!json) return undefined; // a marker: the file changed since it was cached
      const stored = JSON.parse(json) as StoredRow;
      return {
        ...stored,
        created_at: new Date(stored.created_at ?? 0),
        updated_at: new Date(stored.updated_at ?? 0),
        reported_at: dateOrNull(stored.reported_at),
        published_at: dateOrNull(stored.published_at),
        expires_at: dateOrNull(stored.expires_at),
        deletion_requested_at: dateOrNull(stored.deletion_requested_at),
      };
    },
    async put(row) {
      const version = rowVersion(row);
      await redis
        .fileflowSetIfNotNewer(key(row.id), version, JSON.stringify(row), o.ttlSeconds)
        .catch(skipped('write'));
    },
    async invalidate(changes) {
      if (changes.length === 0) return;
      const batch = redis.pipeline();
      for (const c of changes) {
        void (batch as unknown as CacheRedis).fileflowSetIfNotNewer(key(c.id), c.version, '', o.ttlSeconds);
      }
      await batch.exec().catch(skipped('invalidation'));
    },
  };
}
