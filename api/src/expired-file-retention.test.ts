import { ConfigError, loadConfig } from '@fileflow/common';
import { apiConfigSchema } from './config';
import { expiredFileRetentionProblem } from './expired-file-retention';

const env = { DATABASE_URL: 'postgresql://user:password@127.0.0.1:5432/filedb' };

describe('expired file retention settings', () => {
  it('keep expired rows for good unless told', () => {
    const config = loadConfig(apiConfigSchema, env);
    expect(config.EXPIRED_FILE_RETENTION_HOURS).toBeUndefined();
    expect(config.EXPIRED_FILE_PURGE_INTERVAL_MS).toBe(600_000);
    expect(config.EXPIRED_FILE_PURGE_BATCH_SIZE).toBe(1_000);
  });

  it('take a retention at least as long as the inbox receipts live', () => {
    expect(
      loadConfig(apiConfigSchema, { ...env, EXPIRED_FILE_RETENTION_HOURS: '360' }).EXPIRED_FILE_RETENTION_HOURS,
    ).toBe(360);
    expect(
      loadConfig(apiConfigSchema, { ...env, EXPIRED_FILE_RETENTION_HOURS: '24', INBOX_RETENTION_HOURS: '24' })
        .EXPIRED_FILE_RETENTION_HOURS,
    ).toBe(24);
  });

  it('refuse a shorter one, naming both settings', () => {
    expect(() => loadConfig(apiConfigSchema, { ...env, EXPIRED_FILE_RETENTION_HOURS: '100' })).toThrow(ConfigError);
    expect(() => loadConfig(apiConfigSchema, { ...env, EXPIRED_FILE_RETENTION_HOURS: '100' })).toThrow(
      /EXPIRED_FILE_RETENTION_HOURS \(100\) must be at least INBOX_RETENTION_HOURS \(360\)/,
    );
    expect(expiredFileRetentionProblem({ EXPIRED_FILE_RETENTION_HOURS: 359, INBOX_RETENTION_HOURS: 360 })).toMatch(
      /at least/,
    );
    expect(expiredFileRetentionProblem({ INBOX_RETENTION_HOURS: 360 })).toBeUndefined();
  });

  it('refuse values that are not whole hours in range', () => {
    for (const bad of ['0', '-1', '1.5', 'soon', String(24 * 3650 + 1)]) {
      expect(() => loadConfig(apiConfigSchema, { ...env, EXPIRED_FILE_RETENTION_HOURS: bad })).toThrow(ConfigError);
    }
  });
});
