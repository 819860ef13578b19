import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mapConcurrent } from '@fileflow/common';
import type { Db } from '@fileflow/db';
import { orphanObjects } from '../audit/orphans';

/** An object no file owns, and how long ago it was last written. */
export interface OrphanObject {
  readonly key: string;
  readonly ageSeconds: number;
}

export interface SweepResult {
  /** Every orphan found under the prefix. */
  readonly orphans: readonly OrphanObject[];
  /** The ones old enough to delete (deleted, unless a dry run). */
  readonly swept: readonly OrphanObject[];
}

/**
 * Find the objects under `keyPrefix` that no file owns (`orphanObjects`) and, unless `dryRun`,
 * delete the ones last written at least `minAgeSeconds` ago (a younger one may belong to work
 * still under way; its file's own deletion, or the next sweep, takes it). The files are read
 * after the listing, so a file created while the bucket is listed still owns its object.
 */
export async function sweepOrphans(deps: {
  db: Db;
  s3: S3Client;
  bucket: string;
  keyPrefix: string;
  minAgeSeconds: number;
  dryRun: boolean;
  now?: () => Date;
}): Promise<SweepResult> {
  const objects = new Map<string, Date | undefined>();
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: deps.keyPrefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) objects.set(o.Key, o.LastModified);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const files = await deps.db.selectFrom('files').select(['id', 'format', 'status']).execute();
  const now = (deps.now?.() ?? new Date()).getTime();
  const orphans = orphanObjects(files, objects.keys(), deps.keyPrefix).map((key) => ({
    key,
    ageSeconds: Math.max(0, Math.floor((now - (objects.get(key)?.getTime() ?? now)) / 1000)),
  }));
  const swept = orphans.filter((o) => o.ageSeconds >= deps.minAgeSeconds);
  if (!deps.dryRun) {
    await mapConcurrent(swept, 8, (o) => deps.s3.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key: o.key })));
  }
  return { orphans, swept };
}
