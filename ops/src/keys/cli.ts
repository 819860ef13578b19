import { existsSync } from 'node:fs';
import {
  apiKeyPepperEnvSchema,
  apiKeyPepperFrom,
  databaseEnvSchema,
  loadConfig,
  newApiKey,
  runCommand,
  UsageError,
} from '@fileflow/common';
import { createDb, insertApiKey, listApiKeys, revokeApiKey } from '@fileflow/db';

/** The local stack's pepper (`npm start` makes it), used when the env names none. */
const localPepperFile = '.stack/api-key-pepper';

runCommand(
  {
    usage: 'npm run keys -- create --name <name> | list | revoke <id>',
    summary:
      'Manage the API keys of the deployment at DATABASE_URL. A key is shown once, when it is created: the\n' +
      'database keeps only a hash of its secret, keyed with the pepper in API_KEY_PEPPER or API_KEY_PEPPER_FILE\n' +
      `(the API's; on the local stack, ${localPepperFile}).`,
    options: { name: { type: 'string' }, json: { type: 'boolean', default: false } },
    describe: { name: 'what the key is for (1 to 100 characters), with create', json: 'print JSON' },
    positionals: true,
    epilogue: 'Each key sees only the files it created. A revoked key stops working within API_KEY_CACHE_MS (10 s).',
  },
  async ({ values, positionals }) => {
    const [action, ...rest] = positionals;
    const config = loadConfig(databaseEnvSchema.extend(apiKeyPepperEnvSchema.shape), {
      DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb',
      ...(process.env.API_KEY_PEPPER === undefined &&
      process.env.API_KEY_PEPPER_FILE === undefined &&
      existsSync(localPepperFile)
        ? { API_KEY_PEPPER_FILE: localPepperFile }
        : {}),
      ...process.env,
    });
    const db = createDb(config.DATABASE_URL, 1);
    try {
      switch (action) {
        case 'create': {
          if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0] ?? ''}'`);
          const name = values.name;
          if (!name || name.length > 100) throw new UsageError('--name is required: 1 to 100 characters');
          const pepper = apiKeyPepperFrom(config);
          if (pepper === undefined)
            throw new UsageError("no pepper: set API_KEY_PEPPER or API_KEY_PEPPER_FILE (the API's)");
          const key = newApiKey(pepper);
          await insertApiKey(db, { id: key.id, name, secretHash: key.secretHash });
          if (values.json) console.log(JSON.stringify({ id: key.id, name, key: key.token }));
          else console.log(`created key ${key.id} (${name}). Keep it now; it is not shown again:\n\n  ${key.token}\n`);
          return 0;
        }
        case 'list': {
          const keys = await listApiKeys(db);
          if (values.json) console.log(JSON.stringify(keys));
          else if (keys.length === 0) console.log('no keys: the API serves every request as anonymous');
          else
            for (const k of keys)
              console.log(
                `${k.id}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active '}  ${k.createdAt.toISOString()}  ${k.name}`,
              );
          return 0;
        }
        case 'revoke': {
          const [id, extra] = rest;
          if (!id || extra !== undefined) throw new UsageError('revoke takes one key id');
          if (!(await revokeApiKey(db, id))) {
            console.error(`no key ${id}`);
            return 1;
          }
          console.log(`revoked ${id}`);
          return 0;
        }
        default:
          throw new UsageError(action ? `unknown action '${action}'` : 'an action is required: create, list or revoke');
      }
    } finally {
      await db.destroy();
    }
  },
);
