import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors';
import { hmacSha256 } from './sha256';

/**
 * API keys: `ff_<id>_<secret>`. The id (16 hex digits) is public and names the key in lists and
 * logs; the secret (32 random bytes, base64url) is shown once, when the key is created. The
 * database keeps only HMAC-SHA256(pepper, secret): without the pepper, which lives in the API's
 * environment and never in the database, a copy of the table cannot be used to test guesses.
 */
const keyPattern = /^ff_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

/** The parts of a presented key, or undefined when it is not shaped like one. */
export function parseApiKey(token: string): ParsedApiKey | undefined {
  const m = keyPattern.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** What is stored of a secret. */
export function hashApiKeySecret(pepper: string, secret: string): Buffer {
  return hmacSha256(pepper, secret);
}

/** Whether `secret` is the one `storedHash` was made from, in time that does not depend on where they differ. */
export function apiKeySecretMatches(pepper: string, secret: string, storedHash: Buffer): boolean {
  const hash = hashApiKeySecret(pepper, secret);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}

/** A new key: the token to hand out once, and what to store. */
export function newApiKey(pepper: string): { id: string; token: string; secretHash: Buffer } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `ff_${id}_${secret}`, secretHash: hashApiKeySecret(pepper, secret) };
}

/** Env of the pepper: the value itself, or a file holding it (as container secrets are given). */
export const apiKeyPepperEnvSchema = z.object({
  API_KEY_PEPPER: z.string().optional(),
  API_KEY_PEPPER_FILE: z.string().optional(),
});

/** The shortest pepper accepted: 32 characters. */
export const minPepperLength = 32;

/** The pepper the env names (undefined: none), read and checked; a ConfigError when unusable. */
export function apiKeyPepperFrom(env: z.infer<typeof apiKeyPepperEnvSchema>): string | undefined {
  let pepper = env.API_KEY_PEPPER;
  if (pepper === undefined && env.API_KEY_PEPPER_FILE) {
    try {
      pepper = readFileSync(env.API_KEY_PEPPER_FILE, 'utf8').trim();
    } catch (err) {
      throw new ConfigError([`API_KEY_PEPPER_FILE: cannot read ${env.API_KEY_PEPPER_FILE}: ${String(err)}`]);
    }
  }
  if (pepper === undefined || pepper === '') return undefined;
  if (pepper.length < minPepperLength) {
    throw new ConfigError([`API_KEY_PEPPER: must be at least ${minPepperLength} characters`]);
  }
  return pepper;
}
