import { inboxRetentionEnvSchema, retentionCutoff } from './inbox-retention';

it('the cutoff is the retention before now', () => {
  expect(retentionCutoff(new Date('2026-12-03T12:00:00Z'), 360).toISOString()).toBe('2026-11-18T12:00:00.000Z');
});

it('defaults to 15 days, every 10 minutes, in batches of 5,000, and refuses nonsense', () => {
  expect(inboxRetentionEnvSchema.parse({})).toEqual({
    INBOX_RETENTION_HOURS: 360,
    INBOX_RETENTION_INTERVAL_MS: 600_000,
    INBOX_RETENTION_BATCH_SIZE: 5_000,
  });
  expect(inboxRetentionEnvSchema.safeParse({ INBOX_RETENTION_HOURS: '0' }).success).toBe(false);
  expect(inboxRetentionEnvSchema.safeParse({ INBOX_RETENTION_BATCH_SIZE: 'x' }).success).toBe(false);
});
