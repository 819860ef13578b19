import type { RequestHandler, Response } from 'express';
import { apiKeySecretMatches, parseApiKey } from '@fileflow/common';
import type { Owner } from '@fileflow/db';
import { AppError } from '../app-error';

/** A stored key as the check needs it. */
export interface StoredKey {
  readonly secretHash: Buffer;
  readonly revoked: boolean;
}

export interface AuthDeps {
  /** The pepper the keys' secrets were hashed with (undefined: this server has no keys). */
  readonly pepper: string | undefined;
  /** Requests without a key are refused (401) instead of served as the anonymous owner. */
  readonly required: boolean;
  /** The stored key with this id (undefined: none). */
  readonly findKey: (id: string) => Promise<StoredKey | undefined>;
}

/** The owner of the request: its API key's id, or null for a request without a key. */
export const ownerOf = (res: Response): Owner => (res.locals as { owner?: Owner }).owner ?? null;

const unauthorized = (why: string) => new AppError('unauthorized', why);

/**
 * Who is asking: `Authorization: Bearer ff_<id>_<secret>`. A key that is malformed, unknown,
 * revoked or whose secret does not match is a 401 (the same answer for each, so it tells a guesser
 * nothing); no key is a 401 when keys are required, else the anonymous owner (null), whose files
 * are separate from every key's.
 */
export function authenticate(deps: AuthDeps): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (deps.required) return next(unauthorized('an API key is required: Authorization: Bearer <key>'));
      (res.locals as { owner?: Owner }).owner = null;
      return next();
    }
    const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    const parsed = token === undefined ? undefined : parseApiKey(token);
    const pepper = deps.pepper;
    if (!parsed || pepper === undefined) return next(unauthorized('the API key is not valid'));
    deps.findKey(parsed.id).then(
      (stored) => {
        if (!stored || stored.revoked || !apiKeySecretMatches(pepper, parsed.secret, stored.secretHash)) {
          return next(unauthorized('the API key is not valid'));
        }
        (res.locals as { owner?: Owner }).owner = parsed.id;
        return next();
      },
      (err: unknown) => next(err),
    );
    return undefined;
  };
}

/**
 * `find`, with each answer (a key or its absence) remembered for `ttlMs`: a request does not cost
 * a database read, and a revoked key stops working within `ttlMs`. At most `maxEntries` are kept.
 */
export function cachedKeyLookup(
  find: (id: string) => Promise<StoredKey | undefined>,
  o: { ttlMs: number; now?: () => number; maxEntries?: number },
): (id: string) => Promise<StoredKey | undefined> {
  const now = o.now ?? Date.now;
  const entries = new Map<string, { at: number; key: Promise<StoredKey | undefined> }>();
  return (id) => {
    const hit = entries.get(id);
    if (hit && now() - hit.at < o.ttlMs) return hit.key;
    if (entries.size >= (o.maxEntries ?? 10_000)) entries.clear();
    const key = find(id);
    entries.set(id, { at: now(), key });
    key.catch(() => entries.delete(id));
    return key;
  };
}
