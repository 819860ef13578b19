import {
  createS3Client,
  databaseEnvSchema,
  loadConfig,
  nonNegativeNumber,
  runCommand,
  s3EnvSchema,
  s3SettingsFromEnv,
} from '@fileflow/common';
import { createDb } from '@fileflow/db';
import { sweepOrphans } from './sweep-orphans';

runCommand(
  {
    usage: 'npm run sweep -- [--apply] [--min-age <seconds>]',
    summary:
      'List the objects under S3_KEY_PREFIX in S3_BUCKET that no file owns (another name, an unknown id, another\n' +
      "format than the file's, an expired file's object), and with --apply delete those old enough.\n" +
      'A dry run (no --apply) deletes nothing. Reads DATABASE_URL, AWS_ENDPOINT, S3_BUCKET and S3_KEY_PREFIX.',
    options: {
      apply: { type: 'boolean', default: false },
      'min-age': { type: 'string', default: '600' },
    },
    describe: {
      apply: 'delete the orphans listed (without it: a dry run)',
      'min-age': 'seconds since an orphan was last written before it may be deleted',
    },
    epilogue: 'Exits 0 when done (orphans or not), 2 on a usage or connection error.',
  },
  async ({ values }) => {
    const minAgeSeconds = nonNegativeNumber('min-age', values['min-age']);
    const config = loadConfig(databaseEnvSchema.extend(s3EnvSchema.shape), {
      DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb',
      ...process.env,
    });
    const db = createDb(config.DATABASE_URL, 2);
    const s3 = createS3Client(s3SettingsFromEnv(config));
    try {
      const result = await sweepOrphans({
        db,
        s3,
        bucket: config.S3_BUCKET,
        keyPrefix: config.S3_KEY_PREFIX,
        minAgeSeconds,
        dryRun: !values.apply,
      });
      for (const o of result.orphans) {
        const fate = o.ageSeconds < minAgeSeconds ? 'kept (too recent)' : values.apply ? 'deleted' : 'would delete';
        console.log(`${fate}: s3://${config.S3_BUCKET}/${o.key} (${o.ageSeconds} s old)`);
      }
      console.log(
        `${result.orphans.length} orphan object(s); ${result.swept.length} ${values.apply ? 'deleted' : 'would be deleted (dry run: --apply to delete)'}`,
      );
      return 0;
    } finally {
      await db.destroy();
      s3.destroy();
    }
  },
  { failureCode: 2 },
);
