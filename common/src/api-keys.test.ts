import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyPepperFrom, apiKeySecretMatches, hashApiKeySecret, newApiKey, parseApiKey } from './api-keys';
import { ConfigError } from './errors';

const pepper = 'p'.repeat(32);

it('a new key parses back to its id, and only its own secret matches the stored hash', () => {
  const key = newApiKey(pepper);
  const parsed = parseApiKey(key.token);
  expect(parsed?.id).toBe(key.id);
  expect(apiKeySecretMatches(pepper, parsed!.secret, key.secretHash)).toBe(true);
  expect(apiKeySecretMatches('q'.repeat(32), parsed!.secret, key.secretHash)).toBe(false);
  const other = parseApiKey(newApiKey(pepper).token)!;
  expect(apiKeySecretMatches(pepper, other.secret, key.secretHash)).toBe(false);
  expect(apiKeySecretMatches(pepper, parsed!.secret, Buffer.alloc(3))).toBe(false);
});

it('the stored hash is not the secret and depends on the pepper', () => {
  const key = newApiKey(pepper);
  const { secret } = parseApiKey(key.token)!;
  expect(key.secretHash.toString('base64url')).not.toContain(secret);
  expect(hashApiKeySecret('x'.repeat(32), secret).equals(key.secretHash)).toBe(false);
});

it.each(['', 'ff_', 'Bearer x', `ff_${'0'.repeat(16)}_${'a'.repeat(42)}`, `ff_${'G'.repeat(16)}_${'a'.repeat(43)}`])(
  'refuses a token not shaped like a key: %j',
  (token) => expect(parseApiKey(token)).toBeUndefined(),
);

it('takes the pepper from the env or from a file, and refuses a short one', () => {
  expect(apiKeyPepperFrom({})).toBeUndefined();
  expect(apiKeyPepperFrom({ API_KEY_PEPPER: pepper })).toBe(pepper);
  const file = join(mkdtempSync(join(tmpdir(), 'pepper-')), 'pepper');
  writeFileSync(file, `${pepper}\n`);
  expect(apiKeyPepperFrom({ API_KEY_PEPPER_FILE: file })).toBe(pepper);
  expect(() => apiKeyPepperFrom({ API_KEY_PEPPER: 'short' })).toThrow(ConfigError);
  expect(() => apiKeyPepperFrom({ API_KEY_PEPPER_FILE: `${file}.missing` })).toThrow(ConfigError);
});
